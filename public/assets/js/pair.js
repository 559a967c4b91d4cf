// The pair page: state, escalation timeline, what drives the score, incidents, and the report form.
import { api, ApiProblem, catalog, query } from './api.js';
import { asOfFromUrl, knownAtFromUrl, mountAsOf } from './as-of.js';
import { evidenceFilterFromUrl, mountEvidenceFilter } from './evidence-filter.js';
import { correctionNote, detailsText, evidenceNote, retractionNote, sourceList } from './incident-view.js';
import { mountChartExport } from './chart-export.js';
import { mountTimeline } from './chart.js';
import { $, announce, debounce, fill, h } from './dom.js';
import {
  addDays,
  AMBASSADOR,
  catalogReady,
  humanDate,
  isoDay,
  judgementCell,
  levelBadge,
  parsePairKey,
  RELATIONS,
  referenceDay,
  scoreLink,
  scoreText,
  todayIso,
  trendCell,
  typeLabel,
} from './format.js';
import { askForKey, needsKey } from './key-prompt.js';
import { followLiveThenLoad } from './live.js';
import { renderMonths } from './month-judgements.js';
import { comparePositions } from './positions.js';
import { mountReportForm } from './report-form.js';
import { renderBreakdown } from './score-breakdown.js';

const STORY_TAIL_DAYS = 90;
const MAX_DAILY_POINTS = 1999;

const pair = parsePairKey(decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? ''));
const key = pair?.join('-');
let names = {};
let conflictTypes = new Set();
let incidents = [];
/** Retracted incidents: not counted anywhere, but listed, struck through, with the reason. */
let retractedIncidents = [];
let newIncidentIds = new Set();
const asOfControl = mountAsOf($('#as-of'), { onChange: () => load() });
const chart = mountTimeline($('#chart'), { describe: (text) => fill($('#chart-describe'), text) });
/** The timeline on screen, for the PNG and SVG downloads. */
let shownTimeline = null;
const chartExport = mountChartExport($('#chart-export'), () =>
  shownTimeline && { timeline: shownTimeline, title: `${document.title} — escalation score`, filename: `demarche-${key}-timeline` },
);

$('#range').addEventListener('change', () => load());

function showError(message) {
  const box = $('#pair-error');
  box.hidden = !message;
  fill(box, message ?? '');
}

function countryLabel(code) {
  return names[code] ? `${names[code]} (${code})` : code;
}

async function allIncidents() {
  const items = [];
  let cursor = null;
  for (let page = 0; page < 20; page++) {
    const result = await api.get(`/incidents${query({ pair: key, limit: 500, cursor, retracted: 'include', ...evidenceFilterFromUrl() })}`);
    items.push(...result.items);
    if (!result.next) break;
    cursor = result.next;
  }
  return items;
}

/** Days from the first incident's month to the end the range asks for; the interval keeps points under the API's cap. */
function chartWindow(asOf) {
  const days = incidents.map((incident) => referenceDay(incident.occurredOn)).sort();
  const today = todayIso();
  if (days.length === 0) return null;
  const from = `${days[0].slice(0, 7)}-01`;
  let to = today;
  if ($('#range').value === 'story') {
    const tail = addDays(days.at(-1), STORY_TAIL_DAYS);
    const around = asOf ? addDays(referenceDay(asOf), 30) : tail;
    to = [tail, around].sort().at(-1);
    if (to > today) to = today;
  }
  const span = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  const interval = span <= MAX_DAILY_POINTS ? 'day' : span <= MAX_DAILY_POINTS * 7 ? 'week' : 'month';
  // Points at noon UTC: an incident dated on a day (scored from its middle) lands on that day's point.
  return { from: `${from}T12:00:00Z`, to, interval };
}

async function load() {
  if (!pair) {
    showError('This address does not name a pair of countries: use /pairs/AZE-FRA (two ISO alpha-3 codes).');
    return;
  }
  const asOf = asOfFromUrl();
  const [a, b] = pair;
  try {
    const [cat] = await Promise.all([catalog(), catalogReady]);
    conflictTypes = new Set(cat.incidentTypes.filter((t) => t.conflict).map((t) => t.type));
    names = Object.fromEntries(cat.countries.map((c) => [c.code, c.name]));
    renderTitle();
    ensureForm(cat);
    const all = await allIncidents();
    incidents = all.filter((incident) => !incident.retracted);
    retractedIncidents = all.filter((incident) => incident.retracted);
    let relation = null;
    try {
      relation = await api.get(`/relations/${a}/${b}${query({ asOf, knownAt: knownAtFromUrl(), ...evidenceFilterFromUrl() })}`);
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 404)) throw error;
    }
    const range = chartWindow(asOf);
    const timeline = range ? await api.get(`/relations/${a}/${b}/timeline${query({ ...range, knownAt: knownAtFromUrl(), ...evidenceFilterFromUrl() })}`) : null;
    showError(null);
    renderShortcuts(timeline);
    renderState(relation, asOf);
    renderChart(timeline, asOf);
    renderBreakdown($('#contributors'), relation, { asOf, last: lastIncidentDay() });
    renderIncidents(asOf);
    await renderMonths($('#months'), pair, { asOf, firstDay: relation?.firstIncidentOn ?? null });
    document.body.dataset.loaded = 'true';
  } catch (error) {
    showError(`Could not load this relation: ${error.message}`);
    if (needsKey(error)) askForKey(error.problem, () => load());
  }
}

function renderTitle() {
  const [a, b] = pair;
  const title = `${names[a] ?? a} – ${names[b] ?? b}`;
  fill($('#pair-title'), title, ' ', h('span', { class: 'codes' }, `${a}–${b}`));
  fill($('#crumb-pair'), title);
  document.title = `${title} · Demarche`;
  const asOf = asOfFromUrl();
  for (const link of [$('#crumb-relations'), $('#nav-relations')]) link.href = asOf ? `/?asOf=${encodeURIComponent(asOf)}` : '/';
}

function renderShortcuts(timeline) {
  const shortcuts = [];
  const last = incidents.map((incident) => ({ day: referenceDay(incident.occurredOn), occurredOn: incident.occurredOn })).sort((x, y) => x.day.localeCompare(y.day)).at(-1);
  if (last) shortcuts.push({ label: 'Last incident', day: last.day, hint: `The latest incident of this pair (reported as ${last.occurredOn})` });
  const peak = timeline?.points.reduce((best, point) => (!best || point.score > best.score ? point : best), null);
  if (peak && peak.score > 0) shortcuts.push({ label: 'Peak', day: isoDay(new Date(peak.at)), hint: `The day of the highest score on the chart (${scoreText(peak.score)} at noon UTC)` });
  asOfControl.setShortcuts(shortcuts);
}

function lastIncidentDay() {
  return incidents.map((incident) => referenceDay(incident.occurredOn)).sort().at(-1);
}

/**
 * Say what the date shows where the eye lands first: before the first incident, that nothing had
 * happened yet; a month after the last, that the score is what still stands, not news — with the way back.
 */
function renderFadedHint(relation, asOf) {
  const hint = $('#pair-hint');
  const when = asOf ? `as of ${humanDate(asOf)}` : 'today';
  const first = relation?.firstIncidentOn;
  if (relation && relation.incidentCount === 0 && first) {
    hint.hidden = false;
    fill(hint, `Nothing had happened between these countries ${when}: the first incident counts from ${humanDate(first)}. `, h('button', { type: 'button', class: 'button shortcut jump', dataset: { day: first } }, `Show as of ${humanDate(first)}`));
    return;
  }
  const last = lastIncidentDay();
  const quiet = relation && last && (!asOf || referenceDay(asOf) > addDays(last, 30));
  hint.hidden = !quiet;
  if (!quiet) return;
  const standing = relation.escalation.conditions;
  fill(
    hint,
    `No incident in the 30 days before ${asOf ? humanDate(asOf) : 'today'}: the last was on ${humanDate(last)}. `,
    standing.length > 0
      ? `The score is what still stands: ${standing.map((c) => c.description).join('; ')}. `
      : 'Nothing stands between these countries, and incidents’ weights halve every 30 days. ',
    h('button', { type: 'button', class: 'button shortcut jump', dataset: { day: last } }, `Show as of ${humanDate(last)}`),
  );
}

function renderHeadline(relation, asOf) {
  renderFadedHint(relation, asOf);
  const when = asOf ? `as of ${humanDate(asOf)}` : 'today';
  if (!relation || relation.incidentCount === 0) {
    fill($('#headline'), `No incident by then · ${when}`);
    return;
  }
  const { escalation } = relation;
  fill(
    $('#headline'),
    levelBadge(escalation.level),
    ' ',
    h('strong', { class: 'headline-score' }, scoreLink(escalation.score)),
    h('span', { class: 'muted' }, ' / 100 '),
    trendCell(escalation.trend),
    h('span', { class: 'muted' }, ` in ${escalation.trend.windowDays} days · relations ${(RELATIONS[relation.relations] ?? relation.relations).toLowerCase()} · ${when}`),
  );
}

function renderState(relation, asOf) {
  renderHeadline(relation, asOf);
  fill($('#state-at'), `as of ${asOf ? humanDate(asOf) : 'today'}`);
  const cards = $('#cards');
  if (!relation || relation.incidentCount === 0) {
    fill(cards, h('p', { class: 'callout' }, incidents.length > 0 ? `No incident between these countries had occurred by ${humanDate(asOf)}.` : 'No incident is recorded between these countries yet. Report the first one below.'));
    return;
  }
  const { escalation } = relation;
  const [sideA, sideB] = relation.sides;
  fill(
    cards,
    h(
      'article',
      { class: `card escalation-card level-edge-${escalation.level}`, 'aria-labelledby': 'card-escalation' },
      h('h3', { id: 'card-escalation' }, 'Escalation'),
      h('p', { class: 'big-score' }, h('span', { class: 'score-value', id: 'score-value' }, scoreLink(escalation.score)), h('span', { class: 'score-max' }, ' / 100')),
      h('p', {}, levelBadge(escalation.level), ' ', trendCell(escalation.trend)),
      h(
        'p',
        { class: 'small muted' },
        `Standing conditions ${escalation.tension.toFixed(1)} + recent incidents ${escalation.momentum.toFixed(1)} (conflict ${escalation.conflict}, cooperation ${escalation.cooperation}). ` +
          `Score ${escalation.trend.windowDays} days earlier: ${scoreText(escalation.trend.scoreThen)}.`,
      ),
      relation.thisMonth ? h('p', { class: 'small this-month' }, `${humanDate(relation.thisMonth.month)} so far: `, judgementCell(relation.thisMonth)) : null,
    ),
    h(
      'article',
      { class: 'card', 'aria-labelledby': 'card-relations' },
      h('h3', { id: 'card-relations' }, 'Diplomatic relations'),
      h('p', { class: `status-value relations-${relation.relations}` }, RELATIONS[relation.relations] ?? relation.relations),
      h(
        'p',
        { class: 'small muted' },
        relation.relations === 'severed'
          ? 'Relations are broken off: restoring them comes first.'
          : relation.relations === 'downgraded'
            ? relation.escalation.conditions.some((c) => c.kind === 'relations_downgraded')
              ? 'Downgraded below ambassador level: restoring them comes first.'
              : 'An ambassador is away: recalled, expelled, or not yet back after relations were restored.'
            : 'Both ambassadors are in post.',
      ),
      h('p', { class: 'small' }, `${relation.incidentCount} incident${relation.incidentCount === 1 ? '' : 's'} by then.`),
    ),
    sideCard(sideA, sideB.country),
    sideCard(sideB, sideA.country),
  );
}

function sideCard(side, other) {
  const id = `card-side-${side.country}`;
  return h(
    'article',
    { class: 'card side-card', 'aria-labelledby': id, dataset: { country: side.country } },
    h('h3', { id }, `${countryLabel(side.country)} towards ${other}`),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, `Ambassador in ${names[other] ?? other}`),
      h('dd', { class: `ambassador-${side.ambassador}` }, AMBASSADOR[side.ambassador] ?? side.ambassador),
      h('dt', {}, `Expelled ${other} diplomats`),
      h('dd', {}, side.expulsions === 0 ? 'None' : `${side.diplomatsExpelled} in ${side.expulsions} expulsion${side.expulsions === 1 ? '' : 's'}`),
      h('dt', {}, `Unanswered by ${other}`),
      h('dd', { class: side.unansweredExpulsions > 0 ? 'warn' : null }, side.unansweredExpulsions === 0 ? 'None' : `${side.unansweredExpulsions} expulsion${side.unansweredExpulsions === 1 ? '' : 's'}`),
      h('dt', {}, `Sanctions on ${other} in force`),
      h('dd', {}, side.sanctionsInForce.length === 0 ? 'None' : side.sanctionsInForce.join(', ')),
    ),
  );
}

function renderChart(timeline, asOf) {
  const container = $('#chart');
  const empty = $('#chart-empty');
  shownTimeline = timeline && timeline.points.length > 0 ? timeline : null;
  chartExport.update(shownTimeline !== null, shownTimeline && `/relations/${pair[0]}/${pair[1]}/timeline${query({ from: timeline.from, to: timeline.to, interval: timeline.interval, knownAt: knownAtFromUrl(), ...evidenceFilterFromUrl(), format: 'csv' })}`);
  if (!timeline || timeline.points.length === 0) {
    container.dataset.points = '0';
    container.hidden = true;
    empty.hidden = false;
    fill(empty, 'No incident is recorded between these countries yet, so there is no score to chart. Report the first one below.');
    return;
  }
  container.hidden = false;
  empty.hidden = true;
  chart.update(timeline, { asOf: asOf ? referenceDay(asOf) : todayIso(), conflictTypes });
  const peak = timeline.points.reduce((best, point) => (point.score > best.score ? point : best), timeline.points[0]);
  container.setAttribute(
    'aria-label',
    `Escalation score from ${humanDate(timeline.from.slice(0, 10))} to ${humanDate(timeline.to.slice(0, 10))}, by ${timeline.interval}. ` +
      `Peak ${scoreText(peak.score)} (${peak.level}) on ${humanDate(isoDay(new Date(peak.at)))}. ${container.dataset.markers} incident markers.`,
  );
}


function renderIncidents(asOf) {
  const asOfDay = asOf ? referenceDay(asOf) : null;
  const sorted = [...incidents, ...retractedIncidents].sort((x, y) => referenceDay(y.occurredOn).localeCompare(referenceDay(x.occurredOn)) || comparePositions(y.position, x.position));
  const later = asOfDay ? sorted.filter((incident) => referenceDay(incident.occurredOn) > asOfDay).length : 0;
  fill($('#incidents-heading'), `Incidents (${incidents.length})`, retractedIncidents.length > 0 ? h('span', { class: 'muted heading-note' }, ` and ${retractedIncidents.length} retracted`) : '');
  fill(
    $('#incidents'),
    h(
      'table',
      { class: 'incidents', id: 'incidents-table' },
      h('caption', {}, `Every incident recorded between ${countryLabel(pair[0])} and ${countryLabel(pair[1])}, newest first`, later > 0 ? ` — ${later} occurred after the as-of date and are shaded` : ''),
      h(
        'thead',
        {},
        h('tr', {}, ['Date', 'Type', 'Actor → target', 'Summary', 'Sources', 'Recorded'].map((name) => h('th', { scope: 'col' }, name))),
      ),
      h(
        'tbody',
        {},
        sorted.length === 0
          ? h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'None yet.'))
          : sorted.map((incident) => {
              const after = asOfDay && referenceDay(incident.occurredOn) > asOfDay;
              const classes = [after ? 'after-as-of' : '', incident.retracted ? 'retracted' : '', newIncidentIds.has(incident.incidentId) ? 'flash' : ''].filter(Boolean).join(' ');
              return h(
                'tr',
                { id: `incident-${incident.incidentId}`, class: classes || null, dataset: { incidentId: incident.incidentId } },
                h('td', { class: 'nowrap', 'data-label': 'Date' }, humanDate(incident.occurredOn), after ? [h('br'), h('span', { class: 'tag' }, 'after as-of')] : null),
                h('td', { 'data-label': 'Type' }, h('span', { class: conflictTypes.has(incident.type) ? 'conflict' : 'cooperation' }, typeLabel(incident.type)), newIncidentIds.has(incident.incidentId) ? [' ', h('span', { class: 'tag new' }, 'new')] : null),
                h('td', { class: 'nowrap', 'data-label': 'Actor → target' }, `${incident.actor} → ${incident.target}`),
                h(
                  'td',
                  { 'data-label': 'Summary', class: 'summary-cell' },
                  h('span', { class: 'summary-text' }, incident.summary),
                  detailsText(incident.details),
                  correctionNote(incident),
                  retractionNote(incident),
                ),
                h('td', { 'data-label': 'Sources' }, sourceList(incident.sources), evidenceNote(incident)),
                h('td', { class: 'nowrap small', 'data-label': 'Recorded' }, humanDate(incident.recordedAt.slice(0, 10)), h('br'), h('span', { class: 'muted' }, `#${incident.position}`)),
              );
            }),
      ),
    ),
  );
}

// "Show as of …" buttons outside the as-of control jump the as-of date there.
document.addEventListener('click', (event) => {
  const button = event.target.closest('button.jump[data-day]');
  if (!button) return;
  history.pushState(null, '', `?asOf=${encodeURIComponent(button.dataset.day)}`);
  asOfControl.sync();
  load();
});

let form;
function ensureForm(cat) {
  form ??= mountReportForm($('#report'), { pair, catalog: cat, onRecorded: () => reloadSoon() });
}

const reloadSoon = debounce(() => load(), 200);

function onUpdate(update) {
  if (update.pairKey !== key) return;
  const { event, relation } = update;
  if (update.kind === 'reported') {
    newIncidentIds.add(event.data.incidentId);
    setTimeout(() => {
      newIncidentIds.delete(event.data.incidentId);
      document.getElementById(`incident-${event.data.incidentId}`)?.classList.remove('flash');
    }, 8000);
    announce(
      `New incident: ${typeLabel(event.type)}, ${event.data.actor} to ${event.data.target}, ${humanDate(event.data.occurredOn)}.` +
        (relation ? ` Score today ${scoreText(relation.score)}, ${relation.level}.` : ''),
    );
  } else {
    announce(`An incident of this pair was ${update.kind}.`);
  }
  reloadSoon();
}

if (pair) {
  mountEvidenceFilter($('#evidence-filter'), () => load());
  followLiveThenLoad({ onUpdate, load });
} else {
  load();
}
