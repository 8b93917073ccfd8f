import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FuseState, SENTINEL } from '@electron/fuses/dist/constants';
import { afterEach, describe, expect, it } from 'vitest';

// The hook electron-builder runs after packing (CommonJS, as electron-builder 25 loads it).
const { afterPack } = createRequire(import.meta.url)('../../build/afterPack.cjs') as { afterPack: (context: unknown) => Promise<void> };

/** Bytes laid out as in an Electron binary: its fuse wire (sentinel, version 1, eight fuses, all as Electron ships them) among other bytes. */
function fakeElectron(): Buffer {
  const wire = Buffer.from([1, 8, ...Array.from({ length: 8 }, (_, fuse) => (fuse === 1 || fuse === 4 || fuse === 5 || fuse === 6 ? FuseState.DISABLE : FuseState.ENABLE))]);
  return Buffer.concat([Buffer.alloc(4096, 0x90), Buffer.from(SENTINEL), wire, Buffer.alloc(4096, 0x90)]);
}

/** The fuses' states in `file`, by name. */
function fusesIn(file: string): Record<string, string> {
  const bytes = readFileSync(file);
  const at = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
  const names = ['RunAsNode', 'EnableCookieEncryption', 'EnableNodeOptionsEnvironmentVariable', 'EnableNodeCliInspectArguments', 'EnableEmbeddedAsarIntegrityValidation', 'OnlyLoadAppFromAsar', 'LoadBrowserProcessSpecificV8Snapshot', 'GrantFileProtocolExtraPrivileges'];
  return Object.fromEntries(names.map((name, fuse) => [name, bytes[at + fuse] === FuseState.ENABLE ? 'on' : 'off']));
}

let dir = '';
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

describe('the packaged app’s Electron fuses (build/afterPack.cjs)', () => {
  it.each([
    ['linux', 'madoguchi'],
    ['win32', 'Madoguchi.exe'],
  ])('turn off running as Node, NODE_OPTIONS and --inspect in the %s binary', async (platform, binary) => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-fuses-'));
    const file = join(dir, binary);
    writeFileSync(file, fakeElectron());
    await afterPack({ electronPlatformName: platform, appOutDir: dir, arch: 1, packager: { appInfo: { productFilename: 'Madoguchi' }, ...(platform === 'linux' ? { executableName: 'madoguchi' } : {}) } });
    expect(fusesIn(file)).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      // Left as Electron ships it (see the hook).
      EnableEmbeddedAsarIntegrityValidation: 'off',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
      GrantFileProtocolExtraPrivileges: 'off',
    });
  });

  it('fails the packaging where the binary has no fuse wire, rather than ship it unchanged', async () => {
    dir = mkdtempSync(join(tmpdir(), 'madoguchi-fuses-'));
    writeFileSync(join(dir, 'madoguchi'), Buffer.alloc(1024, 0x90));
    await expect(afterPack({ electronPlatformName: 'linux', appOutDir: dir, arch: 1, packager: { appInfo: { productFilename: 'Madoguchi' }, executableName: 'madoguchi' } })).rejects.toThrow(/sentinel/);
  });
});
