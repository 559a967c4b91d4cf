// The pair page: state, escalation timeline, what drives the score, incidents, and the report form.
import { api, ApiProblem, catalog, query } from './api.js';
import { asOfFromUrl, mountAsOf } from './as-of.js';
import { mountTimeline } from './chart.js';
import { $, announce, debounce, fill, h } from './dom.js';
import {
  addDays,
  AMBASSADOR,
  humanDate,
  isoDay,
  levelBadge,
  parsePairKey,
  RELATIONS,
  referenceDay,
  scoreText,
  todayIso,
  trendCell,
  typeLabel,
} from './format.js';
import { askForKey, needsKey } from './key-prompt.js';
import { followLiveThenLoad } from './live.js';
import { comparePositions } from './positions.js';
import { mountReportForm } from './report-form.js';

const STORY_TAIL_DAYS = 90;
const MAX_DAILY_POINTS = 1999;

const pair = parsePairKey(decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? ''));
const key = pair?.join('-');
let names = {};
let conflictTypes = new Set();
let incidents = [];
let newIncidentIds = new Set();
const asOfControl = mountAsOf($('#as-of'), { onChange: () => load() });
const chart = mountTimeline($('#chart'), { describe: (text) => fill($('#chart-describe'), text) });

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
    const result = await api.get(`/incidents${query({ pair: key, limit: 500, cursor })}`);
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
    const cat = await catalog();
    conflictTypes = new Set(cat.incidentTypes.filter((t) => t.conflict).map((t) => t.type));
    names = Object.fromEntries(cat.countries.map((c) => [c.code, c.name]));
    renderTitle();
    ensureForm(cat);
    incidents = await allIncidents();
    let relation = null;
    try {
      relation = await api.get(`/relations/${a}/${b}${query({ asOf })}`);
    } catch (error) {
      if (!(error instanceof ApiProblem && error.status === 404)) throw error;
    }
    const range = chartWindow(asOf);
    const timeline = range ? await api.get(`/relations/${a}/${b}/timeline${query(range)}`) : null;
    showError(null);
    renderShortcuts(timeline);
    renderState(relation, asOf);
    renderChart(timeline, asOf);
    renderContributors(relation, asOf);
    renderIncidents(asOf);
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

/** When the pair's score has faded, say so where the eye lands first, with the way back. */
function renderFadedHint(relation, asOf) {
  const hint = $('#pair-hint');
  const last = incidents.map((incident) => referenceDay(incident.occurredOn)).sort().at(-1);
  const faded = relation && relation.escalation.score < 10 && last && (!asOf || asOf > addDays(last, 30));
  hint.hidden = !faded;
  if (!faded) return;
  fill(
    hint,
    `Nothing recent weighs on this relation ${asOf ? `as of ${humanDate(asOf)}` : 'today'}: its last incident was on ${humanDate(last)}, and weights halve every 30 days. `,
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
    h('strong', { class: 'headline-score' }, scoreText(escalation.score)),
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
      h('p', { class: 'big-score' }, h('span', { class: 'score-value', id: 'score-value' }, scoreText(escalation.score)), h('span', { class: 'score-max' }, ' / 100')),
      h('p', {}, levelBadge(escalation.level), ' ', trendCell(escalation.trend)),
      h('p', { class: 'small muted' }, `Conflict pressure ${escalation.conflict}, cooperation ${escalation.cooperation}. Score ${escalation.trend.windowDays} days earlier: ${scoreText(escalation.trend.scoreThen)}.`),
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
            ? 'An ambassador has been recalled or expelled.'
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
  if (!timeline || timeline.points.length === 0) {
    container.dataset.points = '0';
    return;
  }
  chart.update(timeline, { asOf: asOf ? referenceDay(asOf) : todayIso(), conflictTypes });
  const peak = timeline.points.reduce((best, point) => (point.score > best.score ? point : best), timeline.points[0]);
  container.setAttribute(
    'aria-label',
    `Escalation score from ${humanDate(timeline.from.slice(0, 10))} to ${humanDate(timeline.to.slice(0, 10))}, by ${timeline.interval}. ` +
      `Peak ${scoreText(peak.score)} (${peak.level}) on ${humanDate(isoDay(new Date(peak.at)))}. ${container.dataset.markers} incident markers.`,
  );
}

function renderContributors(relation, asOf) {
  const box = $('#contributors');
  const contributors = relation?.escalation.topContributors ?? [];
  if (contributors.length === 0) {
    const last = incidents.map((incident) => referenceDay(incident.occurredOn)).sort().at(-1);
    fill(
      box,
      h(
        'p',
        { class: 'callout' },
        `No incident weighs on the score ${asOf ? `as of ${humanDate(asOf)}` : 'today'}: weights halve every 30 days. `,
        last && (!asOf || asOf > last) ? h('button', { type: 'button', class: 'button shortcut jump', dataset: { day: last } }, `Show as of the last incident (${humanDate(last)})`) : null,
      ),
    );
    return;
  }
  fill(
    box,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'contributors' },
        h('caption', {}, `Top ${contributors.length} contributors to the score of ${scoreText(relation.escalation.score)} as of ${asOf ? humanDate(asOf) : 'today'}`),
        h(
          'thead',
          {},
          h('tr', {}, h('th', { scope: 'col' }, 'Incident'), h('th', { scope: 'col' }, 'Date'), h('th', { scope: 'col', class: 'num' }, 'Points'), h('th', { scope: 'col', class: 'num' }, 'Weight left'), h('th', { scope: 'col' }, 'Explanation')),
        ),
        h(
          'tbody',
          {},
          contributors.map((c) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, h('span', { class: c.contribution > 0 ? 'conflict' : 'cooperation' }, typeLabel(c.type)), ` ${c.actor} → ${c.target}`, h('br'), h('span', { class: 'small muted' }, c.summary)),
              h('td', { class: 'nowrap' }, humanDate(c.occurredOn)),
              h('td', { class: `num ${c.contribution > 0 ? 'conflict' : 'cooperation'}` }, `${c.contribution > 0 ? '+' : '−'}${Math.abs(c.contribution).toFixed(2)}`),
              h('td', { class: 'num' }, `${Math.round(c.remaining * 100)}%`, h('span', { class: 'weight-bar', 'aria-hidden': 'true' }, h('span', { class: `weight-fill w${Math.round(c.remaining * 10)}` }))),
              h('td', { class: 'explanation' }, c.explanation),
            ),
          ),
        ),
      ),
    ),
  );
}

function sourceList(sources) {
  return h(
    'ul',
    { class: 'sources-list' },
    sources.map((source) => {
      const label = source.publisher ?? (source.url ? new URL(source.url).hostname : 'Source');
      return h(
        'li',
        {},
        source.url ? h('a', { href: source.url, rel: 'noopener noreferrer', target: '_blank' }, label, h('span', { class: 'visually-hidden' }, ' (opens in a new tab)')) : label,
        source.title ? [' — ', h('cite', {}, source.title)] : null,
        source.publishedOn ? h('span', { class: 'muted' }, `, ${humanDate(source.publishedOn)}`) : null,
      );
    }),
  );
}

function detailsText(details) {
  const entries = Object.entries(details ?? {});
  if (entries.length === 0) return null;
  return h('p', { class: 'small muted details-text' }, entries.map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : value}`).join(' · '));
}

function renderIncidents(asOf) {
  const asOfDay = asOf ? referenceDay(asOf) : null;
  const sorted = [...incidents].sort((x, y) => referenceDay(y.occurredOn).localeCompare(referenceDay(x.occurredOn)) || comparePositions(y.position, x.position));
  const later = asOfDay ? sorted.filter((incident) => referenceDay(incident.occurredOn) > asOfDay).length : 0;
  fill($('#incidents-heading'), `Incidents (${incidents.length})`);
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
              const classes = [after ? 'after-as-of' : '', newIncidentIds.has(incident.incidentId) ? 'flash' : ''].filter(Boolean).join(' ');
              return h(
                'tr',
                { id: `incident-${incident.incidentId}`, class: classes || null, dataset: { incidentId: incident.incidentId } },
                h('td', { class: 'nowrap' }, humanDate(incident.occurredOn), after ? [h('br'), h('span', { class: 'tag' }, 'after as-of')] : null),
                h('td', {}, h('span', { class: conflictTypes.has(incident.type) ? 'conflict' : 'cooperation' }, typeLabel(incident.type)), newIncidentIds.has(incident.incidentId) ? [' ', h('span', { class: 'tag new' }, 'new')] : null),
                h('td', { class: 'nowrap' }, `${incident.actor} → ${incident.target}`),
                h(
                  'td',
                  {},
                  incident.summary,
                  detailsText(incident.details),
                  incident.amendments.length > 0 ? h('p', { class: 'small muted' }, `Corrected ${incident.amendments.length}×: ${incident.amendments.map((amendment) => amendment.reason).join('; ')}`) : null,
                ),
                h('td', {}, sourceList(incident.sources)),
                h('td', { class: 'nowrap small' }, humanDate(incident.recordedAt.slice(0, 10)), h('br'), h('span', { class: 'muted' }, `#${incident.position}`)),
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
  followLiveThenLoad({ onUpdate, load });
} else {
  load();
}
