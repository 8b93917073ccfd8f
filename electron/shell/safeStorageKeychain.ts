import { safeStorage } from 'electron';
import { AppError } from '../../shared/result';
import type { Logger } from '../logging/logger';
import type { Keychain } from '../security/keyVault';
import { userMessage } from '../../shared/userMessages';

/**
 * Linux backends that do not protect the key: 'basic_text' encrypts with a hard-coded password
 * (anyone who copies the data folder can unwrap it), and 'unknown' means Chromium could not tell.
 * Like Signal Desktop, Madoguchi refuses both and falls back to the staff passphrase alone.
 */
const REFUSED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

/**
 * The OS keychain (Electron's safeStorage) as the key vault's Keychain, or null where no keychain
 * serves safely. Must be called after app 'ready': before it, safeStorage reports nothing on Linux.
 */
export function safeStorageKeychain(logger: Logger): Keychain | null {
  if (!safeStorage.isEncryptionAvailable()) {
    logger.warn('keychain.unavailable', { platform: process.platform });
    return null;
  }
  const backend = describeBackend();
  if (backend === null) return null;
  logger.info('keychain.selected', { backend });
  return {
    backend,
    // safeStorage speaks strings; the key travels as base64 so that no byte is lost to UTF-8.
    encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
    decrypt: (wrapped) => {
      try {
        return Buffer.from(safeStorage.decryptString(wrapped), 'base64');
      } catch {
        // The keychain entry was reset or belongs to another login: the passphrase still works.
        logger.warn('keychain.decrypt_failed', { backend });
        throw new AppError('WRONG_PASSPHRASE', userMessage('keychainCannotUnlock'));
      }
    },
  };

  function describeBackend(): string | null {
    switch (process.platform) {
      case 'darwin':
        return 'keychain';
      case 'win32':
        return 'dpapi';
      case 'linux': {
        const selected = safeStorage.getSelectedStorageBackend();
        if (REFUSED_LINUX_BACKENDS.has(selected)) {
          logger.warn('keychain.refused', { backend: selected });
          return null;
        }
        return selected;
      }
      default:
        logger.warn('keychain.unsupported_platform', { platform: process.platform });
        return null;
    }
  }
}
