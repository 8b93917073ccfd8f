import { createCipheriv, createDecipheriv, randomBytes, scrypt as scryptCallback } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { promisify } from 'node:util';
import { AppError } from '../../shared/result';
import { userMessage } from '../../shared/userMessages';
import { syncToDisk } from '../db/syncToDisk';

const scrypt = promisify(scryptCallback) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/**
 * The OS keychain as the shell offers it (Electron's safeStorage). Services never import
 * electron: the shell passes this in, or nothing where no keychain serves.
 */
export interface Keychain {
  /** e.g. "gnome_libsecret", "keychain", "dpapi". */
  backend: string;
  encrypt(plain: Buffer): Buffer;
  decrypt(wrapped: Buffer): Buffer;
}

interface PassphraseWrap {
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  tag: string;
  wrappedKey: string;
}

interface KeychainWrap {
  backend: string;
  wrappedKey: string;
}

interface VaultFile {
  version: 1;
  passphrase: PassphraseWrap;
  keychain?: KeychainWrap;
  /** Set by a lock, cleared by unlocking with the passphrase: until then the keychain does not unlock (see disarmKeychain). */
  keychainDisarmed?: true;
  /**
   * A new key and passphrase while the database is being re-encrypted with them (see
   * electron/security/keyChange.ts): the key above still opens the database until they replace it.
   */
  pending?: { passphrase: PassphraseWrap; keychain?: KeychainWrap };
}

/** The database's key now, and the one it is being changed to. */
export interface KeyChange {
  oldKey: Buffer;
  newKey: Buffer;
}

/** The key file lost the pending key before it was committed (it was changed from outside): nothing keeps the new key. */
export class PendingKeyLostError extends Error {}

/** scrypt cost: 2^17 × 8 × 128 B = 128 MiB of memory per attempt, about 0.3–0.5 s here. */
export const DEFAULT_SCRYPT = { N: 2 ** 17, r: 8, p: 1 };

/**
 * Keeps the database key (32 random bytes) only in wrapped form: always under the staff
 * passphrase (scrypt + AES-256-GCM), and additionally under the OS keychain where one serves,
 * so that Electron on a desktop with a keychain unlocks without typing the passphrase, until
 * the app is locked: then only the passphrase unlocks it, even after a restart.
 */
export class KeyVault {
  constructor(
    private readonly file: string,
    private readonly keychain: Keychain | null,
    private readonly scryptCost = DEFAULT_SCRYPT,
  ) {}

  exists(): boolean {
    return existsSync(this.file);
  }

  /** True when the key can be unwrapped without a passphrase. */
  canUnlockWithKeychain(): boolean {
    if (!this.keychain || !this.exists()) return false;
    const vault = this.read();
    return vault.keychain?.backend === this.keychain.backend && !vault.keychainDisarmed;
  }

  /**
   * After a lock (by hand, idle, the computer sleeping) only the passphrase unlocks, until it has:
   * otherwise anyone passing an unattended desk could unlock with a blank one, or close the app and
   * start it again to. Kept in the file, so a restart does not undo it.
   */
  disarmKeychain(): void {
    if (!this.exists()) return;
    const vault = this.read();
    if (!vault.keychain || vault.keychainDisarmed) return;
    this.write({ ...vault, keychainDisarmed: true });
  }

  async create(passphrase: string): Promise<Buffer> {
    if (this.exists()) throw new AppError('ALREADY_INITIALIZED', userMessage('alreadySetUp'));
    const key = randomBytes(32);
    const vault: VaultFile = { version: 1, passphrase: await this.wrapWithPassphrase(key, passphrase) };
    const keychain = this.wrapWithKeychain(key);
    if (keychain) vault.keychain = keychain;
    this.write(vault);
    return key;
  }

  /**
   * Starts changing the passphrase, and with it the database key: `current` must unlock (else
   * WRONG_PASSPHRASE, and nothing changes); a new random key is kept wrapped under `next` as
   * pending, beside the key in use. The caller re-encrypts the database with it, then calls
   * commitKeyChange, or abandonKeyChange if that failed.
   */
  async beginKeyChange(current: string, next: string): Promise<KeyChange> {
    const oldKey = await this.unlock(current);
    const newKey = randomBytes(32);
    try {
      const keychain = this.wrapWithKeychain(newKey);
      const pending = { passphrase: await this.wrapWithPassphrase(newKey, next), ...(keychain ? { keychain } : {}) };
      this.write({ ...this.read(), pending });
    } catch (error) {
      oldKey.fill(0);
      newKey.fill(0);
      throw error;
    }
    return { oldKey, newKey };
  }

  /** True while a key change was started and neither committed nor abandoned (a crash in between). */
  hasPendingKeyChange(): boolean {
    return this.exists() && this.read().pending !== undefined;
  }

  /** The database is re-encrypted with the pending key: it replaces the old one, under the new passphrase (and keychain). */
  commitKeyChange(): void {
    const { pending } = this.read();
    // Changed from outside meanwhile: the new key is nowhere to be kept, and the change must be undone.
    if (!pending) throw new PendingKeyLostError('The key file no longer holds the new key');
    // The passphrase was given: the keychain, where there is one, serves again.
    this.write({ version: 1, passphrase: pending.passphrase, ...(pending.keychain ? { keychain: pending.keychain } : {}) });
  }

  /** The database still has the old key: the pending one is dropped. */
  abandonKeyChange(): void {
    const { pending: _, ...vault } = this.read();
    this.write(vault);
  }

  async unlock(passphrase: string | undefined): Promise<Buffer> {
    if (!this.exists()) throw new AppError('NOT_INITIALIZED', userMessage('notSetUp'));
    const vault = this.read();
    if (passphrase === undefined) {
      if (!this.keychain || vault.keychain?.backend !== this.keychain.backend) {
        throw new AppError('WRONG_PASSPHRASE', userMessage('passphraseNeeded'));
      }
      if (vault.keychainDisarmed) throw new AppError('WRONG_PASSPHRASE', userMessage('passphraseAfterLock'));
      return this.keychain.decrypt(Buffer.from(vault.keychain.wrappedKey, 'base64'));
    }
    const w = vault.passphrase;
    const kek = await scrypt(passphrase.normalize('NFC'), Buffer.from(w.salt, 'base64'), 32, {
      N: w.N,
      r: w.r,
      p: w.p,
      maxmem: 256 * 1024 * 1024,
    });
    let key: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(w.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(w.tag, 'base64'));
      key = Buffer.concat([decipher.update(Buffer.from(w.wrappedKey, 'base64')), decipher.final()]);
    } catch {
      throw new AppError('WRONG_PASSPHRASE', userMessage('wrongPassphrase'));
    }
    // The passphrase was given: the keychain serves again (at the next start, or after a sleep the OS locked).
    if (vault.keychainDisarmed) {
      const { keychainDisarmed: _, ...armed } = vault;
      try {
        this.write(armed);
      } catch {
        // The file cannot be written now (a full disk): it stays disarmed, the safe side, and the passphrase unlocks.
      }
    }
    return key;
  }

  private wrapWithKeychain(key: Buffer): KeychainWrap | null {
    return this.keychain ? { backend: this.keychain.backend, wrappedKey: this.keychain.encrypt(key).toString('base64') } : null;
  }

  private async wrapWithPassphrase(key: Buffer, passphrase: string): Promise<PassphraseWrap> {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const { N, r, p } = this.scryptCost;
    const kek = await scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * 1024 * 1024 });
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    const wrappedKey = Buffer.concat([cipher.update(key), cipher.final()]);
    return {
      kdf: 'scrypt',
      N,
      r,
      p,
      salt: salt.toString('base64'),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      wrappedKey: wrappedKey.toString('base64'),
    };
  }

  /** Makes sure the key file's last write is on the disk (its folder flushed); throws if that cannot be known. */
  flush(): void {
    syncToDisk(dirname(this.file), 'folder');
  }

  private read(): VaultFile {
    return JSON.parse(readFileSync(this.file, 'utf8')) as VaultFile;
  }

  private write(vault: VaultFile): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(vault, null, 2), { mode: 0o600 });
    // The only copy of the database key: on the disk before the database is written with it.
    syncToDisk(tmp, 'file');
    renameSync(tmp, this.file);
    syncToDisk(dirname(this.file), 'folder');
  }
}
