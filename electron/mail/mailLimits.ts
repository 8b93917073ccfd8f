/**
 * Bytes kept of a single mail. Anything larger is almost all attachment, which Madoguchi does not
 * keep: its head (headers and text) is fetched and parses as a truncated mail. (Apart from the
 * IMAP code, so that the parser, on its worker thread, reads it without loading IMAP.)
 */
export const MAX_MAIL_BYTES = 32 * 1024 * 1024;
