// How Demarche's numbers and dates read on screen.
import { catalog } from './api.js';
import { h } from './dom.js';

/**
 * What GET /catalog defines once for the server and the dashboard: the escalation bands
 * [{ level, from, to }], the incident types' labels and the labels of relation and ambassador
 * statuses. Filled once `catalogReady` resolves; pages await it before drawing bands, legends or labels.
 */
export const LEVELS = [];
const TYPE_LABELS = new Map();
/** Relation status → label, e.g. severed → "Severed". */
export const RELATIONS = {};
/** Ambassador status → label, e.g. vacant → "Post vacant". */
export const AMBASSADOR = {};
export const catalogReady = catalog().then(({ levels, incidentTypes, relationsStatuses, ambassadorStatuses }) => {
  LEVELS.splice(0, LEVELS.length, ...levels.map(({ level, from, below }) => ({ level, from, to: below ?? 100 })));
  for (const { type, label } of incidentTypes) TYPE_LABELS.set(type, label);
  for (const { status, label } of relationsStatuses) RELATIONS[status] = label;
  for (const { status, label } of ambassadorStatuses) AMBASSADOR[status] = label;
  return LEVELS;
});

/** "calm < 10 ≤ friction < 30 ≤ …" as badges: the legend of the bands. */
export function levelLegend() {
  return LEVELS.flatMap((band, i) => [levelBadge(band.level), i < LEVELS.length - 1 ? ` <${band.to} ≤ ` : '']);
}

/** Band fills for charts: light enough for the score line to stay readable on top. */
export const BAND_FILLS = {
  calm: 'rgba(46, 125, 50, 0.10)',
  friction: 'rgba(230, 170, 0, 0.16)',
  strained: 'rgba(239, 108, 0, 0.16)',
  crisis: 'rgba(198, 40, 40, 0.16)',
  rupture: 'rgba(90, 10, 40, 0.22)',
};

/** Readable band labels drawn on the chart. */
export const BAND_INKS = {
  calm: '#2e6b31',
  friction: '#7a5c00',
  strained: '#9a3f00',
  crisis: '#a01818',
  rupture: '#5a0a28',
};

const DAY_MS = 86_400_000;

export function levelBadge(level) {
  return h('span', { class: `badge level-${level}` }, level);
}

export function scoreText(score) {
  return typeof score === 'number' ? score.toFixed(1) : '–';
}

/** A score as shown everywhere: its figure, linked to the page that says how it is made. */
export function scoreLink(score) {
  return h('a', { href: '/about/methodology#score', class: 'score-link', title: 'How the score is made' }, scoreText(score));
}

const TREND = {
  deteriorated: { arrow: '▲', word: 'worse' },
  improved: { arrow: '▼', word: 'better' },
  unchanged: { arrow: '▶', word: 'steady' },
};

/** A monthly judgement as an arrow and a word, its reasons in the title (and said to screen readers). */
export function judgementCell(judgement) {
  if (!judgement) return h('span', { class: 'muted small' }, '–');
  const { arrow } = TREND[judgement.judgement] ?? TREND.unchanged;
  const reasons = judgement.reasons.length > 0 ? judgement.reasons.join('; ') : 'nothing moved';
  return h(
    'span',
    { class: `judgement trend-${judgement.judgement}`, title: reasons, dataset: { month: judgement.month } },
    h('span', { 'aria-hidden': 'true', class: 'trend-arrow' }, arrow),
    ' ',
    judgement.judgement,
    h('span', { class: 'visually-hidden' }, ` in ${humanDate(judgement.month)}: ${reasons}`),
  );
}

/** "▲ +35.4" with the direction also said in words, for people who do not see the colour or arrow. */
export function trendCell(trend) {
  const { arrow, word } = TREND[trend.direction] ?? TREND.unchanged;
  const change = `${trend.change > 0 ? '+' : trend.change < 0 ? '−' : '±'}${Math.abs(trend.change).toFixed(1)}`;
  return h(
    'span',
    { class: `trend trend-${trend.direction}`, title: `Score ${trend.scoreThen.toFixed(1)} ${trend.windowDays} days earlier` },
    h('span', { 'aria-hidden': 'true', class: 'trend-arrow' }, arrow),
    ' ',
    change,
    h('span', { class: 'visually-hidden' }, ` (${word} than ${trend.windowDays} days earlier)`),
  );
}

/** YYYY-MM-DD of a Date, in UTC: every date in Demarche is UTC. */
export function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

export function todayIso() {
  return isoDay(new Date());
}

export function addDays(day, days) {
  return isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "26 Dec 2023", "Dec 2023" or "2023", following the precision the date was reported with. */
export function humanDate(occurredOn) {
  if (!occurredOn) return '–';
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(occurredOn);
  if (!m) return occurredOn;
  const [, y, mo, d] = m;
  if (!mo) return y;
  if (!d) return `${MONTHS[Number(mo) - 1]} ${y}`;
  return `${Number(d)} ${MONTHS[Number(mo) - 1]} ${y}`;
}

/**
 * A sortable day for a reported date: the middle of its period, as the server scores it
 * (YYYY → 2 July, YYYY-MM → the 15th or 16th, a timestamp → its day).
 */
export function referenceDay(occurredOn) {
  if (/^\d{4}$/.test(occurredOn)) return `${occurredOn}-07-02`;
  if (/^\d{4}-\d{2}$/.test(occurredOn)) {
    const [y, m] = occurredOn.split('-').map(Number);
    const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${occurredOn}-${String(Math.floor(days / 2) + 1).padStart(2, '0')}`;
  }
  return occurredOn.slice(0, 10);
}

/** "DiplomatsExpelled" → "Diplomats expelled", as the catalogue labels it (the name itself before it has loaded). */
export function typeLabel(type) {
  return TYPE_LABELS.get(type) ?? type;
}

/** A pair key AZE-FRA from a URL segment, or null. */
export function parsePairKey(text) {
  const m = /^([A-Z]{3})-([A-Z]{3})$/.exec(text ?? '');
  return m ? [m[1], m[2]] : null;
}

export function pairHref(pair, asOf) {
  const query = asOf ? `?asOf=${encodeURIComponent(asOf)}` : '';
  return `/pairs/${pair[0]}-${pair[1]}${query}`;
}
