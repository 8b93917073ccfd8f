import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, redact } from '../../electron/logging/logger';

describe('the app log', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is moved aside past its size and begun anew, so it never grows without end; no line is lost at the move', () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-log-'));
    const file = join(dir, 'madoguchi.log');
    const log = createLogger(file, false, 1000);
    for (let n = 0; n < 40; n++) log.info('sync.done', { n });
    const lines = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { n: number });
    expect(statSync(file).size).toBeLessThanOrEqual(1000);
    expect(statSync(`${file}.1`).size).toBeLessThanOrEqual(1000);
    // The older file ends where the current one begins.
    const older = lines(`${file}.1`).map((line) => line.n);
    const current = lines(file).map((line) => line.n);
    expect([...older, ...current]).toEqual(Array.from({ length: older.length + current.length }, (_, i) => 40 - older.length - current.length + i));
    expect(current.at(-1)).toBe(39);

    // A restart goes on from the size already written.
    const again = createLogger(file, false, 1000);
    const before = statSync(file).size;
    again.info('app.started');
    expect(statSync(file).size).toBeGreaterThan(before);
  });

  it('goes on writing when the file cannot be moved aside (held open elsewhere), and moves it later', () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-log-'));
    const file = join(dir, 'madoguchi.log');
    // A folder in the way of the move: renaming onto it fails, as a file held open on Windows does.
    mkdirSync(join(`${file}.1`, 'in-the-way'), { recursive: true });
    const log = createLogger(file, false, 1000);
    for (let n = 0; n < 40; n++) log.info('sync.done', { n });
    const written = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { n: number }).n);
    expect(written).toEqual(Array.from({ length: 40 }, (_, n) => n));
    rmSync(`${file}.1`, { recursive: true });
    for (let n = 40; n < 80; n++) log.info('sync.done', { n });
    expect(statSync(`${file}.1`).isFile()).toBe(true);
  });

  it('redacts what looks like an address, a phone or a card number', () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-log-'));
    const file = join(dir, 'madoguchi.log');
    createLogger(file).warn('mail.failed', { detail: 'to hanako@example.jp ; tel 03-1234-5678 ; card 4111 1111 1111 1111' });
    expect(readFileSync(file, 'utf8')).toContain('"detail":"to [email] ; tel [number] ; card [number]"');
  });

  it('redacts full-width, bracketed and dotted numbers, and what looks like a token', () => {
    expect(redact('電話 ０３－１２３４－５６７８ 様')).toBe('電話 [number] 様');
    expect(redact('tel (03) 1234-5678.')).toBe('tel [number].');
    expect(redact('card 4111.1111.1111.1111')).toBe('card [number]');
    expect(redact('カード４１１１　１１１１　１１１１　１１１１です')).toBe('カード[number]です');
    expect(redact('Bearer ya29.a0AfH6SMBx3kL9q_ZpT2vW8nR4eY7uI1oP0aSdFgHjKl')).toBe('Bearer [token]');
    // Ids, codes and counts stay readable.
    expect(redact('inquiry 1234 code SQLITE_CONSTRAINT_TRIGGER uid 20481 of 3 attempts')).toBe('inquiry 1234 code SQLITE_CONSTRAINT_TRIGGER uid 20481 of 3 attempts');
  });
});
