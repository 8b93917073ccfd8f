/**
 * Attachments that can run code or carry macros when opened: the message view flags them so
 * staff think twice before opening one. Judged by the file name's extension and by the declared
 * type (either is enough: senders disguise one or the other).
 */
const DANGEROUS_EXTENSIONS = new Set([
  // Programs and installers
  'exe', 'com', 'scr', 'pif', 'msi', 'msp', 'msix', 'appx', 'appxbundle', 'msixbundle', 'appinstaller', 'dll', 'cpl', 'ocx', 'sys', 'drv', 'xll', 'app', 'dmg', 'pkg', 'deb', 'rpm', 'apk',
  // Scripts, and files that run commands or fetch them when opened (help files, consoles, web queries, Java Web Start)
  'bat', 'cmd', 'ps1', 'psm1', 'psd1', 'vbs', 'vbe', 'js', 'jse', 'mjs', 'wsf', 'wsh', 'wsc', 'sct', 'hta', 'sh', 'py', 'jar', 'jnlp', 'reg', 'inf', 'scf',
  'chm', 'hlp', 'msc', 'iqy', 'slk', 'gadget', 'application', 'settingcontent-ms', 'library-ms', 'search-ms', 'searchconnector-ms',
  // Shortcuts, notebooks and containers that hide the real file
  'lnk', 'url', 'one', 'onepkg', 'iso', 'img', 'vhd', 'vhdx', 'cab',
  // Web pages (phishing forms, scripts)
  'html', 'htm', 'xhtml', 'shtml', 'svg', 'mht', 'mhtml',
  // Office documents with macros, and old formats that carry them
  'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'xlsb', 'xls', 'xla', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm', 'ppt', 'pps', 'pot', 'doc', 'dot',
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
