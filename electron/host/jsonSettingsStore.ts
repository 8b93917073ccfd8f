import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Language } from '../../shared/domain';
import type { SettingsStore } from '../app/createApp';

/** The loopback host's settings: a small JSON file of non-personal preferences (the shell uses electron-store). */
export function jsonSettingsStore(file: string): SettingsStore {
  const read = (): { language?: Language } => {
    try {
      return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { language?: Language }) : {};
    } catch {
      return {};
    }
  };
  return {
    get: () => (read().language === 'en' ? 'en' : 'ja'),
    set: (_key, value) => {
      writeFileSync(`${file}.tmp`, JSON.stringify({ ...read(), language: value }));
      renameSync(`${file}.tmp`, file);
    },
  };
}
