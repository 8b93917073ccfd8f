import { ipcMain } from 'electron';
import Store from 'electron-store';
import type { Language } from '../../shared/domain';
import type { SettingsStore } from '../app/createApp';

export interface WindowBounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface ShellSettingsFile {
  language: Language;
  windowBounds?: WindowBounds;
}

export interface ShellSettings extends SettingsStore {
  windowBounds(): WindowBounds | undefined;
  saveWindowBounds(bounds: WindowBounds): void;
}

/**
 * Non-personal preferences only (language, window position), kept by electron-store in
 * <dataDir>/settings.json. Anything about customers lives in the encrypted database instead.
 * Values are checked on read: the file is plain JSON that anyone can edit.
 */
export function shellSettings(dataDir: string): ShellSettings {
  const store = new Store<ShellSettingsFile>({
    name: 'settings',
    cwd: dataDir,
    defaults: { language: 'ja' },
    // A corrupt file resets to the defaults instead of stopping the app from starting.
    clearInvalidConfig: true,
  });
  // electron-store answers renderers asking for the data folder's path on a synchronous channel
  // of its own. Madoguchi's renderer never uses it (and cannot reach ipcRenderer): close it.
  ipcMain.removeAllListeners('electron-store-get-data');
  return {
    get: () => (store.get('language') === 'en' ? 'en' : 'ja'),
    set: (_key, value) => store.set('language', value),
    windowBounds: () => {
      const bounds = store.get('windowBounds');
      return isBounds(bounds) ? bounds : undefined;
    },
    saveWindowBounds: (bounds) => store.set('windowBounds', bounds),
  };
}

function isBounds(value: unknown): value is WindowBounds {
  if (typeof value !== 'object' || value === null) return false;
  const b = value as Record<string, unknown>;
  return ['x', 'y', 'width', 'height'].every((k) => Number.isInteger(b[k])) && (b.width as number) >= 400 && (b.height as number) >= 300;
}
