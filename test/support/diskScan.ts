import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

/** Every byte Madoguchi left on disk, as UTF-8 and as UTF-16 (SQLite may store either). */
export function diskContainsAny(dir: string, needles: string[]): string[] {
  const found: string[] = [];
  for (const file of allFiles(dir)) {
    const bytes = readFileSync(file);
    for (const needle of needles) {
      if (bytes.includes(Buffer.from(needle, 'utf8')) || bytes.includes(Buffer.from(needle, 'utf16le'))) found.push(`${needle} in ${file}`);
    }
  }
  return found;
}
