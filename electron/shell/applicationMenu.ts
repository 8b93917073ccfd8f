import { app, Menu, type MenuItemConstructorOptions } from 'electron';
import type { Language } from '../../shared/domain';

type MenuRole = NonNullable<MenuItemConstructorOptions['role']>;

/** The menu's words in each language of the app: Electron names standard roles in English except on macOS. */
const LABELS = {
  ja: {
    file: 'ファイル', edit: '編集', view: '表示', window: 'ウィンドウ',
    quit: '終了', close: '閉じる', undo: '元に戻す', redo: 'やり直す', cut: '切り取り', copy: 'コピー', paste: '貼り付け', selectAll: 'すべて選択',
    resetZoom: '実際のサイズ', zoomIn: '拡大', zoomOut: '縮小', togglefullscreen: 'フルスクリーン', minimize: '最小化', zoom: 'ズーム',
    reload: '再読み込み', toggleDevTools: '開発者ツール',
  },
  en: {
    file: 'File', edit: 'Edit', view: 'View', window: 'Window',
    quit: 'Quit', close: 'Close', undo: 'Undo', redo: 'Redo', cut: 'Cut', copy: 'Copy', paste: 'Paste', selectAll: 'Select All',
    resetZoom: 'Actual Size', zoomIn: 'Zoom In', zoomOut: 'Zoom Out', togglefullscreen: 'Full Screen', minimize: 'Minimize', zoom: 'Zoom',
    reload: 'Reload', toggleDevTools: 'Developer Tools',
  },
} as const;

type Labels = Record<keyof (typeof LABELS)['en'], string>;

/**
 * A minimal menu of standard roles, labelled in the language staff chose in the app (installed
 * again when they change it), not the system's: English staff on a Japanese Windows read English.
 * Developer tools appear only in an unpackaged build: staff have no use for them, and they would
 * show customer data raw.
 */
export function installApplicationMenu(language: Language): void {
  const isMac = process.platform === 'darwin';
  const labels: Labels = LABELS[language];
  const item = (role: MenuRole & keyof Labels): MenuItemConstructorOptions => ({ role, label: labels[role] });
  const separator: MenuItemConstructorOptions = { type: 'separator' };

  const view = [item('resetZoom'), item('zoomIn'), item('zoomOut'), separator, item('togglefullscreen')];
  if (!app.isPackaged) view.push(separator, item('reload'), item('toggleDevTools'));

  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    { label: labels.file, submenu: [item(isMac ? 'close' : 'quit')] },
    { label: labels.edit, submenu: [item('undo'), item('redo'), separator, item('cut'), item('copy'), item('paste'), item('selectAll')] },
    { label: labels.view, submenu: view },
    { label: labels.window, submenu: isMac ? [item('minimize'), item('zoom'), separator, item('close')] : [item('minimize'), item('close')] },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
