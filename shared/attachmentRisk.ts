/**
 * Attachments that can run code or carry macros when opened: the message view flags them so
 * staff think twice before opening one. Judged by the file name's extension and by the declared
 * type (either is enough: senders disguise one or the other).
 */
const DANGEROUS_EXTENSIONS = new Set([
  // Programs and installers
  'exe', 'com', 'scr', 'pif', 'msi', 'msp', 'mst', 'msu', 'msix', 'appx', 'appxbundle', 'msixbundle', 'appinstaller', 'appref-ms', 'dll', 'cpl', 'ocx', 'sys', 'drv', 'xll', 'app', 'dmg', 'pkg', 'deb', 'rpm', 'apk',
  // Launchers of macOS and Linux desktops, Windows Sandbox and troubleshooter packages, themes and certificates (they install or run something)
  'command', 'desktop', 'wsb', 'diagcab', 'theme', 'themepack', 'cer', 'crt', 'der',
  // Scripts, and files that run commands or fetch them when opened (help files, consoles, web queries, Java Web Start)
  'bat', 'cmd', 'ps1', 'psm1', 'psd1', 'ps1xml', 'psc1', 'vbs', 'vbe', 'js', 'jse', 'mjs', 'wsf', 'wsh', 'wsc', 'sct', 'hta', 'sh', 'py', 'pyw', 'jar', 'jnlp', 'reg', 'inf', 'scf',
  'chm', 'hlp', 'msc', 'iqy', 'slk', 'gadget', 'application', 'settingcontent-ms', 'library-ms', 'search-ms', 'searchconnector-ms',
  // Shortcuts, notebooks and containers that hide the real file
  'lnk', 'url', 'one', 'onepkg', 'iso', 'img', 'vhd', 'vhdx', 'cab',
  // Web pages (phishing forms, scripts)
  'html', 'htm', 'xhtml', 'xht', 'shtml', 'svg', 'svgz', 'mht', 'mhtml',
  // Office documents with macros, and old formats that carry them
  'docm', 'dotm', 'xlsm', 'xltm', 'xlam', 'xlsb', 'xls', 'xla', 'xlm', 'xlt', 'pptm', 'potm', 'ppam', 'ppsm', 'sldm', 'ppt', 'pps', 'pot', 'ppa', 'doc', 'dot',
  // Access databases (VBA runs when they open)
  'mdb', 'mde', 'accdb', 'accde', 'ade', 'adp',
]);

const DANGEROUS_TYPES = [
  /^application\/(x-)?(ms)?dos-?program/,
  /^application\/x-msdownload/,
  /^application\/vnd\.microsoft\.portable-executable/,
  /^application\/x-dosexec/,
  /^application\/x-ms-shortcut/,
  /^application\/(vnd\.ms-|x-ms)access/,
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
