import { decodeUnlabelled } from './japaneseCharsets';

/** A Content-Type or Content-Disposition field, with its folded lines, read as bytes (latin1). */
const NAMING_FIELD = /^Content-(?:Type|Disposition):[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*/gim;
/** A name or filename parameter: quoted, or a bare token. RFC 2231 forms (name*=) are left to the parser. */
const NAME_PARAMETER = /(\b(?:file)?name\s*=\s*)(?:"([^"]*)"|([^;\s"]+))/gi;
const RAW_BYTES = /[\x80-\xff\x1b]/;

/**
 * The mail with file names written in raw bytes made readable to mailparser. Older Japanese
 * mailers and web forms write `filename="見積書.pdf"` in Shift_JIS, EUC-JP or ISO-2022-JP bytes
 * with no label (RFC 2047 and 2231 say how to label them; they do not), and mailparser reads
 * header bytes as UTF-8, so such a name came out as "©Ï@.pdf" or "$B8+@Q=q(B.pdf". Each such
 * value is decoded as the subject of such mail is (the bytes tell the charset) and written back
 * as a UTF-8 encoded word, which mailparser decodes to the same text. Returns `raw` itself when
 * nothing needs it (nearly all mail); only the copy read for its structure changes.
 */
export function withReadableRawFileNames(raw: Buffer): Buffer {
  if (raw.indexOf('name') < 0) return raw;
  const text = raw.toString('latin1');
  let changed = false;
  const rewritten = text.replace(NAMING_FIELD, (field) => {
    if (!RAW_BYTES.test(field)) return field;
    return field.replace(NAME_PARAMETER, (whole, key: string, quoted: string | undefined, bare: string | undefined) => {
      const value = quoted ?? bare ?? '';
      if (!RAW_BYTES.test(value)) return whole;
      changed = true;
      const name = decodeUnlabelled(Buffer.from(value, 'latin1'));
      return `${key}"=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?="`;
    });
  });
  return changed ? Buffer.from(rewritten, 'latin1') : raw;
}
