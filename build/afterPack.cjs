// @ts-check
/**
 * electron-builder's afterPack hook (build/electron-builder.yml): flips Electron's fuses in the
 * packaged binary, before it is signed, so that no one on the computer can turn the app into
 * something else to reach the data it holds once unlocked:
 *   - RunAsNode off: ELECTRON_RUN_AS_NODE=1 would make the binary a plain Node.js, running any script;
 *   - NODE_OPTIONS off: `--require` in it would load any code into the main process;
 *   - --inspect and its kin off: a debugger attached to the main process reads the key in memory;
 *   - the app only from its app.asar, never from a folder put beside it;
 *   - cookies encrypted (Madoguchi keeps none; on for what Chromium may keep), and file:// without
 *     extra privileges (the renderer is served by its own scheme: electron/shell/rendererProtocol.ts).
 * Asar integrity validation is left as Electron has it: on Windows it needs integrity data that
 * electron-builder 25 does not embed, and a packaged app that would not start is no safer.
 * electron-builder 25 has no `electronFuses` option yet (26 has): this is the way its docs give.
 */
const { join } = require('node:path');
const { flipFuses, FuseV1Options, FuseVersion } = require('@electron/fuses');

/** @type {import('@electron/fuses').FuseV1Config} */
const FUSES = {
  version: FuseVersion.V1,
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/**
 * Where the packaged Electron binary is, per platform.
 * @param {{ electronPlatformName: string, appOutDir: string, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
function electronBinaryOf(context) {
  const { electronPlatformName, appOutDir, packager } = context;
  const product = packager.appInfo.productFilename;
  if (electronPlatformName === 'darwin' || electronPlatformName === 'mas') return join(appOutDir, `${product}.app`);
  if (electronPlatformName === 'win32') return join(appOutDir, `${product}.exe`);
  return join(appOutDir, packager.executableName ?? product.toLowerCase());
}

/**
 * @param {{ electronPlatformName: string, appOutDir: string, arch: number, packager: { appInfo: { productFilename: string }, executableName?: string } }} context
 */
async function afterPack(context) {
  // Arm64 macOS binaries carry an ad-hoc signature that flipping invalidates (arch 3 is arm64 in electron-builder's Arch).
  const resetAdHocDarwinSignature = context.electronPlatformName === 'darwin' && context.arch === 3;
  await flipFuses(electronBinaryOf(context), { ...FUSES, resetAdHocDarwinSignature });
}

module.exports = { default: afterPack, afterPack, electronBinaryOf, FUSES };
