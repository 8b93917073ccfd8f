import { appendFileSync, renameSync, statSync } from 'node:fs';

/**
 * The app's log: events, ids, counts and error codes only. The policy's access logs "do not
 * include information that can identify individuals", and Madoguchi's do the same: callers pass
 * no names, addresses or text, and as a second line of defence anything that looks like an
 * e-mail address, a phone or card number (half- or full-width) or a token is redacted before it is written.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

const EMAIL = /[^\s@<>"']+@[^\s@<>"']+/g;
/** Eight digits or more (half- or full-width), with the separators people write phone and card numbers with, brackets too: "(03) 1234-5678", "０３－１２３４－５６７８", "4111.1111.1111.1111". */
const LONG_DIGITS = /[+＋]?[(（]?[0-9０-９](?:[0-9０-９\-－ー.．()（） \u3000]*[0-9０-９]){7,}/g;
/** What looks like a bearer token or a key: a long run of letters, digits and "-_.+/=" with both letters and digits. */
const TOKEN = /\b(?=[A-Za-z0-9._~+/=-]*[A-Za-z])(?=[A-Za-z0-9._~+/=-]*\d)[A-Za-z0-9._~+/=-]{32,}/g;

export function redact(text: string): string {
  return text.replace(EMAIL, '[email]').replace(TOKEN, '[token]').replace(LONG_DIGITS, '[number]');
}

/** Past this size the log is moved to `<file>.1` (replacing the one before) and begun anew: it never grows without end. */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

export function createLogger(file: string | null, echo = false, rotateBytes = LOG_ROTATE_BYTES): Logger {
  let size = file ? sizeOf(file) : 0;
  const write = (level: string, event: string, fields: LogFields = {}) => {
    const safe: LogFields = {};
    for (const [k, v] of Object.entries(fields)) safe[k] = typeof v === 'string' ? redact(v) : v;
    const line = JSON.stringify({ at: new Date().toISOString(), level, event, ...safe }) + '\n';
    if (file) {
      if (size > 0 && size + Buffer.byteLength(line) > rotateBytes) {
        try {
          renameSync(file, `${file}.1`);
          size = 0;
        } catch {
          // The file is held open elsewhere (a log viewer, a virus scanner): the line goes on the end
          // of it, and the move is tried again after another rotation's worth of lines.
          size -= rotateBytes;
        }
      }
      try {
        appendFileSync(file, line, { mode: 0o600 });
        size += Buffer.byteLength(line);
      } catch {
        // A line that cannot be written (a full disk, a removed data folder) must not break what was being logged.
        size = sizeOf(file);
      }
    }
    if (echo) console.log(line.trimEnd());
  };
  return {
    info: (e, f) => write('info', e, f),
    warn: (e, f) => write('warn', e, f),
    error: (e, f) => write('error', e, f),
  };
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
