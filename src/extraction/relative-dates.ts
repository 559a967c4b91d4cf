/**
 * Dates in a sentence, resolved against the article's publication date, at the precision the words
 * support: "on Tuesday" → the latest Tuesday on or before publication, "September 19-20" → its first
 * day, "in late October" / "in October" → that month (the latest one not after publication),
 * "earlier this month" → the publication month, "last year" → the year before. Nothing here reads a clock.
 */
export interface DateMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** YYYY-MM-DD, YYYY-MM or YYYY. */
  readonly occurredOn: string;
  /** The last day of a closed range of days ("September 19-20" → its 20th), which occurredOn starts. */
  readonly lastDay?: string;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const MONTH = String.raw`(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)`;

const pad = (n: number) => String(n).padStart(2, '0');
const monthIndex = (name: string) => MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().replace('.', '').slice(0, 3)));

interface Published { year: number; month: number; day: number; weekday: number }

function parsePublished(publishedOn: string): Published {
  const [year, month, day] = publishedOn.split('-').map(Number) as [number, number, number];
  return { year, month, day, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

function shiftDays(p: Published, days: number): string {
  const date = new Date(Date.UTC(p.year, p.month - 1, p.day - days));
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** The year of a month (and day) written without one: the latest not after publication. */
function yearOf(p: Published, month: number, day = 1): number {
  return month < p.month || (month === p.month && day <= p.day) ? p.year : p.year - 1;
}

type Resolver = (match: RegExpExecArray, p: Published) => string | { readonly occurredOn: string; readonly lastDay: string } | undefined;

/** A first day and, for a closed range whose last day follows it in the same month, that last day too. */
function dayOrRange(year: number | string, month: number, day: number, lastDay: string | undefined) {
  const first = `${year}-${pad(month)}-${pad(day)}`;
  const last = Number(lastDay);
  return lastDay && last > day && last <= 31 ? { occurredOn: first, lastDay: `${year}-${pad(month)}-${pad(last)}` } : first;
}

const RULES: ReadonlyArray<readonly [RegExp, Resolver]> = [
  [new RegExp(String.raw`\b${MONTH}\s+(\d{1,2})(?!\d)(?:\s*[-–]\s*(\d{1,2}))?(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?`, 'g'), (m, p) => {
    const month = monthIndex(m[1]!) + 1;
    const day = Number(m[2]);
    if (day < 1 || day > 31) return undefined;
    return dayOrRange(m[4] ?? yearOf(p, month, day), month, day, m[3]);
  }],
  [new RegExp(String.raw`\b(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))?\s+${MONTH}(?:\s+(\d{4}))?`, 'g'), (m, p) => {
    const month = monthIndex(m[3]!) + 1;
    const day = Number(m[1]);
    if (day < 1 || day > 31) return undefined;
    return dayOrRange(m[4] ?? yearOf(p, month, day), month, day, m[2]);
  }],
  [new RegExp(String.raw`\b(?:in|since|during|by|until|of|from)\s+(?:(?:early|mid|late|the\s+(?:start|beginning|middle|end)\s+of)[\s-]+)?${MONTH}(?:\s+(\d{4}))?`, 'gi'), (m, p) => {
    const month = monthIndex(m[1]!) + 1;
    return `${m[2] ?? yearOf(p, month, 0)}-${pad(month)}`;
  }],
  [/\b(?:on\s+|last\s+)?(Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday)\b/g, (m, p) => {
    const weekday = WEEKDAYS.indexOf(m[1]!.toLowerCase());
    return shiftDays(p, (p.weekday - weekday + 7) % 7);
  }],
  [/\byesterday\b/gi, (_m, p) => shiftDays(p, 1)],
  [/\b(?:today|this morning|this afternoon|tonight)\b/gi, (_m, p) => shiftDays(p, 0)],
  [/\b(?:earlier|later|late|early)?\s*this month\b/gi, (_m, p) => `${p.year}-${pad(p.month)}`],
  [/\blast month\b/gi, (_m, p) => (p.month === 1 ? `${p.year - 1}-12` : `${p.year}-${pad(p.month - 1)}`)],
  [/\b(?:last|this past) week\b/gi, (_m, p) => shiftDays(p, 7).slice(0, 7)],
  [/\b(?:earlier|later)?\s*this year\b/gi, (_m, p) => `${p.year}`],
  [/\blast year\b/gi, (_m, p) => `${p.year - 1}`],
  [/\b(?:in|since|during)\s+((?:19|20)\d{2})\b/g, (m) => m[1]],
];

/** Every date phrase in the sentence, first found wins where two overlap (a full date before its month). */
export function datesIn(sentenceText: string, sentenceStart: number, publishedOn: string): DateMention[] {
  const published = parsePublished(publishedOn);
  const found: DateMention[] = [];
  for (const [pattern, resolve] of RULES) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(sentenceText); m; m = pattern.exec(sentenceText)) {
      const start = sentenceStart + m.index;
      const end = start + m[0].length;
      if (found.some((d) => d.start < end && start < d.end)) continue;
      const resolved = resolve(m, published);
      if (typeof resolved === 'string') found.push({ start, end, text: m[0].trim(), occurredOn: resolved });
      else if (resolved) found.push({ start, end, text: m[0].trim(), ...resolved });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** The publication month: an undated act reported as news is taken to belong to it (see docs/extraction.md). */
export const publicationMonth = (publishedOn: string) => publishedOn.slice(0, 7);
export const publicationYear = (publishedOn: string) => publishedOn.slice(0, 4);
