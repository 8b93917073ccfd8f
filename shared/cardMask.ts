/**
 * The policy says the company retains no credit card information, so every text that is
 * stored (mail subjects and bodies, file names, typed notes) passes through maskCardNumbers
 * first. All but the last four digits of a card number become "*"; separators are kept so the
 * text still reads naturally.
 *
 * A card number is 13 to 19 digits (half- or full-width) that pass the Luhn check, written
 * together or in groups, as people write them: "4111 1111 1111 1111", "4111-1111-1111-1111",
 * Amex's "3782 822463 10005", with one to three separators between groups (spaces and tabs,
 * hyphens, dashes and their full-width forms, no-break and thin spaces such as HTML's &nbsp;, soft
 * hyphens, zero-width spaces, dots, slashes, 「・」, 「，」 and the 「、」「。」 that a Japanese input
 * method gives for "," and ".", wave dashes 「〜」, the katakana "ー" (or half-width "ｰ") that a
 * Japanese keyboard gives for a hyphen, or a line break). It is found inside a longer run of numbers too: "注文番号12 4111 1111 1111 1111",
 * "4111 1111 1111 1111 12/27" (with the expiry), "4111111111111111 123" (with the security code).
 * So that phone and order numbers next to each other are not taken for one, the groups of a
 * number written in groups are 3 to 6 digits long and all separated alike (one space or two, a tab
 * or a dash of another width count as alike), except where a line breaks (a number wrapped by a mail program or split line by line: "4111 1111\n1111 1111").
 */
const DIGIT = '0-9０-９';
const SEPARATORS = ' \t\r\n-\u00a0\u00ad\u200b\u2002\u2003\u2009\u202f\u3000－‐\u2011\u2012\u2013\u2014\u2015−.．/／ーｰ，、。・〜～';
/** Separators that read alike: a group set off by one space and the next by two (or a tab) is still written the same way. */
const SEPARATOR_KINDS: ReadonlyArray<[RegExp, string]> = [
  [/[ \t\u00a0\u2002\u2003\u2009\u202f\u3000\u200b]+/g, ' '],
  [/[-－‐\u2011\u2012\u2013\u2014\u2015−ーｰ\u00ad]+/g, '-'],
];
function separatorKind(separator: string): string {
  return SEPARATOR_KINDS.reduce((kind, [chars, as]) => kind.replace(chars, as), separator);
}
const SEPARATOR = SEPARATORS.replace('-', '\\-');
/** Digits and groups of digits, with at most three separators between groups. */
export const NUMBER_RUN = new RegExp(`[${DIGIT}]+(?:[${SEPARATOR}]{1,3}[${DIGIT}]+)*`, 'g');
const GROUP = new RegExp(`[${DIGIT}]+`, 'g');
const SEPARATOR_CODES = new Set([...SEPARATORS].map((ch) => ch.charCodeAt(0)));
const LINE_BREAK = /[\r\n]/;
/** The fewest digits of a card number. */
export const MIN_CARD_DIGITS = 13;
const MAX_DIGITS = 19;

interface Group {
  start: number;
  end: number;
  digits: string;
  /** The separator before it ('' for the first). */
  before: string;
}

function toAsciiDigits(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out += code >= 0xff10 && code <= 0xff19 ? String.fromCharCode(code - 0xff10 + 48) : ch;
  }
  return out;
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

function groupsOf(run: string): Group[] {
  const groups: Group[] = [];
  let previousEnd = 0;
  for (const match of run.matchAll(GROUP)) {
    const start = match.index;
    groups.push({ start, end: start + match[0].length, digits: toAsciiDigits(match[0]), before: groups.length ? run.slice(previousEnd, start) : '' });
    previousEnd = start + match[0].length;
  }
  return groups;
}

/** The groups first..last as one card number, if they can be: its digits, or null. */
function cardDigits(groups: Group[], first: number, last: number): string | null {
  if (first === last) {
    const { digits } = groups[first] as Group;
    return digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_DIGITS && passesLuhn(digits) ? digits : null;
  }
  let digits = '';
  /** The number's separator, taken from its first break that is not a line break. */
  let separator: string | null = null;
  for (let i = first; i <= last; i++) {
    const group = groups[i] as Group;
    if (group.digits.length < 3 || group.digits.length > 6) return null;
    if (i > first && !LINE_BREAK.test(group.before)) {
      const kind = separatorKind(group.before);
      separator ??= kind;
      if (kind !== separator) return null;
    }
    digits += group.digits;
  }
  return digits.length >= MIN_CARD_DIGITS && digits.length <= MAX_DIGITS && passesLuhn(digits) ? digits : null;
}

/**
 * The run with every card number in it masked. Every stretch of groups that can be one card
 * number is masked, each keeping its own last four digits: a stretch that passes the Luhn check by
 * chance (an order number and the start of a card) must not hide the card that overlaps it, so
 * a digit stays readable only where no such stretch masks it. A stretch holds at most 19 digits,
 * so each group starts at most seven: the work grows with the run's length, never faster.
 */
function maskRun(run: string): string {
  const groups = groupsOf(run);
  const masked = run.split('');
  for (const group of groups) maskCardAtStart(masked, group);
  for (let first = 0; first < groups.length; first++) {
    let digits = 0;
    for (let last = first; last < groups.length; last++) {
      digits += (groups[last] as Group).digits.length;
      if (digits > MAX_DIGITS) break;
      if (digits >= MIN_CARD_DIGITS && cardDigits(groups, first, last)) maskAllButLastFour(masked, groups, first, last);
    }
  }
  return masked.join('');
}

/** Digits of the usual card lengths at the start of a longer run (the security code or expiry typed right after it), with a card's first digit. */
const GLUED_CARD_LENGTHS = [16, 15, 14];
const GLUED_EXTRA_DIGITS = 4;

/**
 * A card number with its security code or expiry typed straight after it ("4111111111111111123",
 * "411111111111111112/27" reads as one group too long for a card): the card at the group's start
 * is masked, keeping its last four digits. Only a first digit that cards start with (3 to 6) and
 * at most four digits more, so that long reference and tracking numbers are left as they are.
 */
function maskCardAtStart(masked: string[], group: Group): void {
  const { digits } = group;
  if (digits.length <= MAX_DIGITS && passesLuhn(digits)) return;
  if (!/^[3-6]/.test(digits)) return;
  const length = GLUED_CARD_LENGTHS.find((n) => digits.length > n && digits.length - n <= GLUED_EXTRA_DIGITS && passesLuhn(digits.slice(0, n)));
  if (length === undefined) return;
  for (let i = group.start; i < group.start + length - 4; i++) masked[i] = '*';
}

function maskAllButLastFour(masked: string[], groups: Group[], first: number, last: number): void {
  let toKeep = 4;
  for (let g = last; g >= first; g--) {
    const group = groups[g] as Group;
    for (let i = group.end - 1; i >= group.start; i--) {
      if (toKeep > 0) toKeep--;
      else masked[i] = '*';
    }
  }
}

const isDigitCode = (code: number) => (code >= 48 && code <= 57) || (code >= 0xff10 && code <= 0xff19);

/** Whether some run of numbers holds thirteen digits: most texts have none, and are done with at once (a scan costs less than the runs' regular expression). */
function hasThirteenDigitRun(text: string): boolean {
  let digits = 0;
  let separators = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (isDigitCode(code)) {
      if (++digits >= MIN_CARD_DIGITS) return true;
      separators = 0;
    } else if (digits > 0 && SEPARATOR_CODES.has(code) && ++separators <= 3) {
      continue;
    } else {
      digits = 0;
      separators = 0;
    }
  }
  return false;
}

export function maskCardNumbers(text: string): string {
  if (!hasThirteenDigitRun(text)) return text;
  return text.replace(NUMBER_RUN, (run) => {
    // Most runs are dates, prices and phone numbers: too few digits to hold a card number.
    let digits = 0;
    for (let i = 0; i < run.length; i++) if (isDigitCode(run.charCodeAt(i))) digits++;
    return digits < MIN_CARD_DIGITS ? run : maskRun(run);
  });
}

export function containsCardNumber(text: string): boolean {
  return maskCardNumbers(text) !== text;
}
