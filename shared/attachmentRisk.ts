/**
 * Attachments that can run code or carry macros when opened: the message view flags them so
 * staff think twice before opening one. Judged by the file name's extension and by the declared
 * type (either is enough: senders disguise one or the other).
 */
const DANGEROUS_EXTENSIONS = new Set([
  // Programs and installers
  'exe', 'com', 'scr', 'pif', 'msi', 'msp', 'msix', 'appx', 'dll', 'cpl', 'app', 'dmg', 'pkg', 'deb', 'rpm', 'apk',
  // Scripts
  'bat', 'cmd', 'ps1', 'psm1', 'vbs', 'vbe', 'js', 'jse', 'mjs', 'wsf', 'wsh', 'hta', 'sh', 'py', 'jar', 'reg', 'inf', 'scf',
  // Shortcuts and containers that hide the real file
  'lnk', 'url', 'iso', 'img', 'vhd', 'vhdx',
  // Web pages (phishing forms, scripts)
  'html', 'htm', 'xhtml', 'shtml', 'svg', 'mht', 'mhtml',
  // Office documents with macros, and old formats that carry them
  'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'xls', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm', 'doc',
]);

const DANGEROUS_TYPES = [
  /^application\/(x-)?(ms)?dos-?program/,
  /^application\/x-msdownload/,
  /^application\/x-ms-installer/,
  /^application\/x-msi/,
  /^application\/(x-)?javascript/,
  /^text\/javascript/,
  /^application\/x-sh/,
  /^application\/java-archive/,
  /^application\/hta/,
  /^text\/html/,
  /^application\/xhtml/,
  /^image\/svg/,
  /^application\/vnd\.ms-[a-z]+\.[a-z.]*macroenabled/,
];

export function fileExtension(fileName: string): string {
  const base = fileName.trim().replace(/[.\s]+$/, '');
  const dot = base.lastIndexOf('.');
  return dot >= 0 ? base.slice(dot + 1).toLowerCase() : '';
}

export function isDangerousAttachment(fileName: string, contentType: string): boolean {
  if (DANGEROUS_EXTENSIONS.has(fileExtension(fileName))) return true;
  const type = contentType.trim().toLowerCase();
  return DANGEROUS_TYPES.some((pattern) => pattern.test(type));
}
