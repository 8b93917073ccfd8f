/**
 * Saves text the main process produced (CSV) as a file, the same way in Electron and in a
 * browser: a Blob URL clicked as a download link. No Node, no IPC for the file itself.
 */
export function downloadText(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  downloadBlob(filename, new Blob([text], { type }));
}

function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = safeFilename(filename);
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: Chromium starts reading the Blob asynchronously after the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** A name the OS accepts: no directories, no characters Windows refuses. */
export function safeFilename(name: string): string {
  const cleaned = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').trim();
  return cleaned.length > 0 ? cleaned : 'madoguchi.csv';
}

/**
 * Saves an attachment (base64 from the main process) as a file. Always as an opaque download
 * (application/octet-stream): the browser must never render or run it.
 */
export function downloadBytes(filename: string, base64: string, _contentType: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  downloadBlob(filename, new Blob([bytes], { type: 'application/octet-stream' }));
}
