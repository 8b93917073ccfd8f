/**
 * The policy says the company retains no credit card information, so every text that is
 * stored (mail subjects and bodies, file names, typed notes) passes through maskCardNumbers
 * first. A card number is a run of 13 to 19 digits, optionally separated by single spaces or
 * hyphens (half- or full-width), that passes the Luhn check. All but the last four digits
 * become "*"; separators are kept so the text still reads naturally.
 */
const DIGIT = '[0-9０-９]';
const SEP = '[ \\-\u3000－‐−]';
const CANDIDATE = new RegExp(`(?<![0-9０-９])${DIGIT}(?:${SEP}?${DIGIT}){12,18}(?![0-9０-９])`, 'g');

function toAsciiDigit(ch: string): string {
  const code = ch.charCodeAt(0);
  return code >= 0xff10 && code <= 0xff19 ? String.fromCharCode(code - 0xff10 + 48) : ch;
}

function isDigit(ch: string): boolean {
  return /[0-9０-９]/.test(ch);
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function maskCardNumbers(text: string): string {
  return text.replace(CANDIDATE, (match) => {
    const digits = [...match].filter(isDigit).map(toAsciiDigit).join('');
    if (digits.length < 13 || digits.length > 19 || !passesLuhn(digits)) return match;
    let toKeep = 4;
    const chars = [...match];
    for (let i = chars.length - 1; i >= 0; i--) {
      const ch = chars[i] as string;
      if (!isDigit(ch)) continue;
      if (toKeep > 0) toKeep--;
      else chars[i] = '*';
    }
    return chars.join('');
  });
}

export function containsCardNumber(text: string): boolean {
  return maskCardNumbers(text) !== text;
}
