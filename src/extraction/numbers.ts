/**
 * Counts and deadlines as the press writes them: "two French diplomats", "23 Russian diplomats",
 * "a dozen envoys", "within 48 hours", "within a week". Only small cardinal words occur in these
 * phrases, so a table is enough; digits are read as digits.
 */
const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/** The value of one number word or numeral ("two", "twenty-three", "48", "a dozen"), or undefined. */
export function numberValue(word: string): number | undefined {
  const lower = word.toLowerCase().replace(/\s+/g, ' ').trim();
  if (/^\d{1,4}$/.test(lower)) return Number(lower);
  if (lower === 'a dozen' || lower === 'dozen') return 12;
  if (lower === 'a' || lower === 'an' || lower === 'a single') return 1;
  if (lower === 'a couple of' || lower === 'a pair of') return 2;
  const unit = UNITS.indexOf(lower);
  if (unit >= 0) return unit;
  const [tens, ones] = lower.split(/[- ]/);
  const ten = TENS.indexOf(tens ?? '');
  if (ten >= 2) {
    if (ones === undefined) return ten * 10;
    const one = UNITS.indexOf(ones);
    if (one >= 1 && one <= 9) return ten * 10 + one;
  }
  return undefined;
}

const NUMBER = String.raw`(\d{1,4}|a dozen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)`;

/** People counted in an expulsion: "two French diplomats", "23 Russian diplomats", "the two" (employees named before). */
const COUNTED_PEOPLE = new RegExp(
  String.raw`\b${NUMBER}\s+(?:(?:[A-Z][\p{L}-]+|more|other|senior|embassy|consular|suspected)\s+){0,3}(?:diplomats?|employees|staff(?:ers)?|officials|envoys|officers|attach[eé]s|personnel|members of (?:the )?(?:staff|embassy))\b`,
  'iu',
);

export function diplomatsCounted(text: string): number | undefined {
  const match = COUNTED_PEOPLE.exec(text);
  return match ? numberValue(match[1]!) : undefined;
}

/** A deadline to leave, in hours: "within 48 hours", "within seven days", "within a week", "by the end of the week" is not read. */
const DEADLINE = new RegExp(String.raw`\b(?:within|in)\s+(?:the\s+next\s+)?(${NUMBER.slice(1, -1)}|an?)\s+(hours?|days?|weeks?)\b`, 'i');

/** "giving them one week to leave", "48 hours to leave the country". */
const TIME_TO_LEAVE = new RegExp(String.raw`\b(${NUMBER.slice(1, -1)}|an?)\s+(hours?|days?|weeks?)\s+to\s+(?:leave|depart|quit)\b`, 'i');

export function deadlineHours(text: string): number | undefined {
  const match = DEADLINE.exec(text) ?? TIME_TO_LEAVE.exec(text);
  if (!match) return undefined;
  const count = numberValue(match[1]!);
  if (count === undefined || count < 1) return undefined;
  const unit = match[2]!.toLowerCase();
  return count * (unit.startsWith('hour') ? 1 : unit.startsWith('day') ? 24 : 168);
}
