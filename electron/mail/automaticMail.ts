import { rawHeaderValue, rawHeaderValues, type RawHeaderLine } from './rawHeaders';

/**
 * Whether a mail was sent by software rather than a person: auto-replies (RFC 3834
 * Auto-Submitted, the older X-Autoreply / X-Autorespond, Precedence bulk/junk/auto_reply) and
 * delivery reports (multipart/report, mail from MAILER-DAEMON, the null return path bounces and
 * auto-replies travel with, Exim's X-Failed-Recipients). Such mail must not open an inquiry:
 * answering it would start a loop of robots replying to robots.
 */
export function isAutomaticMail(lines: readonly RawHeaderLine[], fromAddress: string | null): boolean {
  const autoSubmitted = rawHeaderValue(lines, 'auto-submitted');
  if (autoSubmitted !== null && firstToken(autoSubmitted) !== 'no') return true;

  for (const name of ['x-autoreply', 'x-autorespond']) {
    const value = rawHeaderValue(lines, name);
    if (value !== null && !['no', 'false', '0'].includes(firstToken(value))) return true;
  }

  if (rawHeaderValues(lines, 'precedence').some((v) => ['bulk', 'junk', 'auto_reply'].includes(firstToken(v)))) return true;

  const contentType = rawHeaderValue(lines, 'content-type');
  if (contentType !== null && firstToken(contentType) === 'multipart/report') return true;

  if (fromAddress && /^mailer[-_]daemon(?:@|$)/i.test(fromAddress)) return true;
  if (rawHeaderValues(lines, 'return-path').some((v) => /^<\s*>$/.test(v.trim()))) return true;
  if (rawHeaderValue(lines, 'x-failed-recipients') !== null) return true;
  return false;
}

/** "auto-replied; comment" → "auto-replied", "Multipart/Report; report-type=…" → "multipart/report". */
function firstToken(value: string): string {
  const withoutComments = value.replace(/\([^)]*\)/g, '');
  return (withoutComments.split(';')[0] ?? '').trim().toLowerCase();
}
