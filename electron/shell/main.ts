import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { app, BrowserWindow, dialog, powerMonitor, screen, session } from 'electron';
import { createApp, type App } from '../app/createApp';
import { createLogger, type Logger } from '../logging/logger';
import { installApplicationMenu } from './applicationMenu';
import { hardenAllWebContents, hardenSession } from './hardening';
import { serveRouterOverIpc } from './ipcTransport';
import { registerRendererScheme, RENDERER_URL, serveRenderer } from './rendererProtocol';
import { safeStorageKeychain } from './safeStorageKeychain';
import { shellSettings, type ShellSettings, type WindowBounds } from './shellSettings';
import { localizeUserMessage, userMessage } from '../../shared/userMessages';

/**
 * The thin Electron shell: lifecycle, the window, and the platform services the plain-Node app
 * needs (data folder, keychain, settings, logger), handed to createApp as arguments. Nothing
 * below electron/shell imports 'electron'.
 *
 * Bundled by scripts/build.mjs into dist/electron/main.cjs, next to preload.cjs, with the renderer
 * in dist/renderer: the paths below are relative to the bundle (__dirname is the bundle's folder).
 */
const PRODUCT_NAME = 'Madoguchi';
const PRELOAD = join(__dirname, 'preload.cjs');
const RENDERER_DIR = join(__dirname, '..', 'renderer');
const WORKERS_DIR = join(__dirname, '..', 'workers');

/**
 * An environment variable that only a development or test run may use: in the packaged app no one
 * can point it at other data, or load another native module into the process that holds the key.
 */
function developmentOnly(name: 'MADOGUCHI_DATA_DIR' | 'MADOGUCHI_NATIVE_BINDING'): string | undefined {
  return app.isPackaged ? undefined : process.env[name];
}

// One folder per installation: set before anything reads it (the single-instance lock lives
// there). Launched as `electron dist/electron/main.cjs` Electron would otherwise call the app
// "Electron". MADOGUCHI_DATA_DIR lets tests run against a throwaway folder.
app.setName(PRODUCT_NAME);
app.setPath('userData', developmentOnly('MADOGUCHI_DATA_DIR') ?? join(app.getPath('appData'), PRODUCT_NAME));

if (!app.requestSingleInstanceLock()) {
  // Another Madoguchi already has this data folder open: it gets focus (second-instance below).
  app.quit();
} else {
  registerRendererScheme();
  app.enableSandbox();
  if (process.platform === 'win32') app.setAppUserModelId('jp.co.toot.madoguchi');
  app.whenReady().then(start, (error: unknown) => fail(null, error));
}

let mainWindow: BrowserWindow | null = null;

function start(): void {
  const dataDir = app.getPath('userData');
  let logger: Logger | null = null;
  try {
    mkdirSync(join(dataDir, 'logs'), { recursive: true, mode: 0o700 });
    logger = createLogger(join(dataDir, 'logs', 'madoguchi.log'), !app.isPackaged);
    const log = logger;
    process.on('uncaughtException', (error) => log.error('main.uncaught', { error: error.name }));
    process.on('unhandledRejection', (reason) => log.error('main.unhandled_rejection', { error: reason instanceof Error ? reason.name : 'unknown' }));
    log.info('main.starting', { version: app.getVersion(), electron: process.versions.electron, packaged: app.isPackaged });

    const stored = shellSettings(dataDir);
    // The menu speaks the language staff chose in the app, and changes with it.
    const settings: ShellSettings = {
      ...stored,
      set: (key, language) => {
        stored.set(key, language);
        installApplicationMenu(language);
      },
    };
    const nativeBinding = developmentOnly('MADOGUCHI_NATIVE_BINDING');
    const madoguchi = createApp({
      dataDir,
      keychain: safeStorageKeychain(log),
      settings,
      logger: log,
      ...(nativeBinding ? { nativeBinding } : {}),
      workersDir: WORKERS_DIR,
    });

    hardenAllWebContents(log);
    hardenSession(session.defaultSession, log);
    serveRenderer(session.defaultSession, RENDERER_DIR);
    serveRouterOverIpc(madoguchi.router, () => mainWindow, log);
    installApplicationMenu(settings.get('language'));
    lockWhenAway(madoguchi, log);
    closeOnQuit(madoguchi, log);

    mainWindow = createMainWindow(settings, log);
    app.on('second-instance', () => {
      if (!mainWindow) return;
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    });
    app.on('activate', () => {
      if (!mainWindow) mainWindow = createMainWindow(settings, log);
    });
    // One window, one database: closing it quits, on macOS too, so the database is closed.
    app.on('window-all-closed', () => app.quit());
  } catch (error) {
    fail(logger, error);
  }
}

function createMainWindow(settings: ShellSettings, logger: Logger): BrowserWindow {
  const window = new BrowserWindow({
    ...restoredBounds(settings.windowBounds()),
    minWidth: 800,
    minHeight: 560,
    title: PRODUCT_NAME,
    show: false,
    backgroundColor: '#ffffff',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.on('close', () => settings.saveWindowBounds(window.getNormalBounds()));
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  window.webContents.on('render-process-gone', (_event, details) => logger.error('window.renderer_gone', { reason: details.reason }));
  window.webContents.on('preload-error', (_event, _path, error) => logger.error('window.preload_failed', { error: error.name }));
  window.loadURL(RENDERER_URL).catch((error: unknown) => {
    logger.error('window.load_failed', { error: error instanceof Error ? error.message : 'unknown' });
    dialog.showErrorBox(PRODUCT_NAME, localizeUserMessage(userMessage('screensNotLoaded', { folder: RENDERER_DIR }), systemLanguage()));
  });
  return window;
}

/** Last position if it is still on a connected screen (a laptop undocked since), else a default size. */
function restoredBounds(saved: WindowBounds | undefined): Partial<WindowBounds> {
  const fallback = { width: 1280, height: 800 };
  if (!saved) return fallback;
  const visible = screen.getAllDisplays().some(({ workArea: a }) => {
    const overlapX = Math.min(saved.x + saved.width, a.x + a.width) - Math.max(saved.x, a.x);
    const overlapY = Math.min(saved.y + saved.height, a.y + a.height) - Math.max(saved.y, a.y);
    return overlapX >= 100 && overlapY >= 100;
  });
  return visible ? saved : { width: saved.width, height: saved.height };
}

/** Sleep or a locked screen locks Madoguchi: the key leaves memory and the passphrase is needed again. */
function lockWhenAway(madoguchi: App, logger: Logger): void {
  const lock = (reason: string) => {
    void madoguchi.router.call('session.lock', {}).then((result) => {
      if (result.ok) logger.info('session.locked', { reason });
      else logger.error('session.lock_failed', { reason, code: result.error.code });
    });
  };
  powerMonitor.on('suspend', () => lock('suspend'));
  powerMonitor.on('lock-screen', () => lock('lock-screen'));
}

/** Holds the quit until the database is closed (WAL checkpointed, key wiped). */
function closeOnQuit(madoguchi: App, logger: Logger): void {
  let closed = false;
  let closing = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    madoguchi
      .close()
      .catch((error: unknown) => logger.error('main.close_failed', { error: error instanceof Error ? error.name : 'unknown' }))
      .finally(() => {
        closed = true;
        logger.info('main.stopped');
        app.quit();
      });
  });
}

/** Before (or without) the window there is no UI language: the system's decides. */
function systemLanguage(): 'ja' | 'en' {
  return app.getLocale().toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

function fail(logger: Logger | null, error: unknown): void {
  const detail = error instanceof Error ? error.message : String(error);
  logger?.error('main.start_failed', { error: error instanceof Error ? error.name : 'unknown' });
  const message = userMessage('couldNotStart', { detail, folder: app.getPath('userData') });
  dialog.showErrorBox(PRODUCT_NAME, localizeUserMessage(message, systemLanguage()));
  app.exit(1);
}
