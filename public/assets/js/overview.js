// The relations overview: every pair, highest level first (then score, then latest incident), at the chosen point in time.
import { api, catalog, query } from './api.js';
import { asOfFromUrl, knownAtFromUrl, latestDay, mountAsOf, updateUrl } from './as-of.js';
import { mountNewPairForm } from './new-pair.js';
import { sparkline } from './chart.js';
import { $, announce, debounce, fill, h } from './dom.js';
import { addDays, catalogReady, humanDate, judgementCell, levelBadge, levelLegend, pairHref, RELATIONS, referenceDay, scoreLink, scoreText, todayIso, trendCell, typeLabel } from './format.js';
import { askForKey, needsKey } from './key-prompt.js';
import { followLiveThenLoad } from './live.js';

const SPARK_DAYS = 180;
/** Pairs per request: the first page is one request whatever the number of pairs; more come on demand. */
const PAGE = 50;
const FEED_LENGTH = 20;
/** An overview whose latest incident is older than this says so: the scores are what still stands, not news. */
const RECENT_DAYS = 30;
const COLUMNS = 9;

let items = [];
/** Pairs that pass the filters on the server, loaded or not, and every country with a pair (for the country filter). */
let total = 0;
let countries = [];
/** Days of each item's `sparkline` (one score per day). */
let sparkDays = [];
let loadedAsOf = null;
/** The day the first incident counts from (of the log), for an as-of date before anything happened. */
let firstIncidentOn = null;
const flashing = new Set();

const countrySelect = $('#filter-country');
const levelSelect = $('#filter-level');
const tbody = $('#relations-body');

const asOfControl = mountAsOf($('#as-of'), { onChange: () => load() });

function filters() {
  const params = new URLSearchParams(location.search);
  return { country: params.get('country') ?? '', level: params.get('level') ?? '' };
}

for (const select of [countrySelect, levelSelect]) {
  select.addEventListener('change', () => {
    updateUrl({ [select.name]: select.value || null }, { replace: true });
    // What is loaded, filtered at once; then the server's page for these filters.
    render();
    load();
  });
}

let loadGeneration = 0;
async function load() {
  const asOf = asOfFromUrl();
  const generation = ++loadGeneration;
  try {
    const [page] = await Promise.all([overviewPage(asOf, 0), catalogReady]);
    if (generation !== loadGeneration) return;
    fill($('#level-legend'), levelLegend());
    items = page.items;
    total = page.total;
    countries = page.countries;
    sparkDays = daysOf(page.sparkline);
    loadedAsOf = asOf;
    $('#relations-csv').href = `/relations${query({ asOf, knownAt: knownAtFromUrl(), format: 'csv' })}`;
    $('#relations-json').href = `/relations${query({ asOf, knownAt: knownAtFromUrl() })}`;
    firstIncidentOn = page.firstIncidentOn;
    await fillCountries();
    const latest = latestIncident();
    asOfControl.setShortcuts(latest ? [{ label: 'Last incident', day: latest.day, hint: `The latest incident recorded (reported as ${latest.occurredOn})` }] : []);
    render(latest);
    document.body.dataset.loaded = 'true';
  } catch (problem) {
    fill(tbody, h('tr', {}, h('td', { colspan: COLUMNS, class: 'error' }, `Could not load relations: ${problem.message}`)));
    if (needsKey(problem)) askForKey(problem.problem, () => load());
  }
}

/** One page of the overview (levels, scores and sparklines) for the filters in the URL. */
function overviewPage(asOf, offset) {
  const { country, level } = filters();
  return api.get(`/relations/overview${query({ asOf, knownAt: knownAtFromUrl(), country: country || null, level: level || null, limit: PAGE, offset: offset || null, days: SPARK_DAYS })}`);
}

async function loadMore() {
  const generation = loadGeneration;
  const page = await overviewPage(loadedAsOf, items.length);
  if (generation !== loadGeneration) return;
  items = items.concat(page.items);
  total = page.total;
  render();
}

function daysOf({ from, to }) {
  const days = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

async function fillCountries() {
  const { country } = filters();
  const known = new Map((await catalog()).countries.map(({ code, name }) => [code, name]));
  const names = new Map(countries.map((code) => [code, known.get(code) ?? code]));
  if (country && !names.has(country)) names.set(country, country);
  const sorted = [...names].sort((x, y) => x[1].localeCompare(y[1]));
  fill(countrySelect, h('option', { value: '' }, 'All countries'), sorted.map(([code, name]) => h('option', { value: code }, `${name} (${code})`)));
  countrySelect.value = country;
  levelSelect.value = filters().level;
}

/** The latest incident of the pairs shown, by the day it counts from (answers and vague dates as the server counts them). */
function latestIncident() {
  return latestDay(items.map((item) => item.lastIncident?.countsFrom), (day) => day);
}

function render(latest = latestIncident()) {
  const { country, level } = filters();
  const shown = items.filter((item) => (!country || item.pair.includes(country)) && (!level || item.escalation.level === level));
  const asOf = loadedAsOf;
  fill($('#relations-caption'), `Relations as of ${asOf ? humanDate(asOf) : 'today'}, highest level first, then score, then latest incident`);
  // Until the server answers for new filters, what is loaded is filtered here; then total is the server's count for them.
  const matching = shown.length === items.length ? total : shown.length;
  fill($('#relations-count'), `Showing ${shown.length} of ${matching} pair${matching === 1 ? '' : 's'}.`);
  renderHint(latest, asOf);
  if (shown.length === 0) {
    fill(tbody, h('tr', {}, h('td', { colspan: COLUMNS, class: 'muted' }, emptyText(asOf))));
    return;
  }
  fill(tbody, shown.map((item) => row(item, asOf)));
  drawSparklines(shown);
  renderMore(shown.length === items.length && items.length < total);
}

function renderMore(more) {
  let button = $('#relations-more');
  if (!button) {
    button = h('button', { type: 'button', id: 'relations-more', class: 'more' });
    $('.table-wrap').after(button);
  }
  button.hidden = !more;
  fill(button, `Show ${Math.min(PAGE, total - items.length)} more`);
}

document.addEventListener('click', (event) => {
  if (event.target.closest('#relations-more')) loadMore();
});

function emptyText(asOf) {
  if (items.length > 0) return 'No pair matches these filters.';
  if (asOf && firstIncidentOn && asOf < firstIncidentOn) return `No incident had occurred by ${humanDate(asOf)}.`;
  return 'No incidents are recorded yet.';
}

/**
 * What the date shows, said plainly: before the first incident, nothing had happened (and the first
 * date is offered); long after the latest, the scores are what still stands, not news. Follows
 * recency, not the scores: a severed relation keeps its score however quiet the news.
 */
function renderHint(latest, asOf) {
  const hint = $('#as-of-hint') ?? $('#as-of').appendChild(h('p', { id: 'as-of-hint', class: 'callout' }));
  const when = asOf ? `as of ${humanDate(asOf)}` : 'today';
  const link = (day, text) => h('a', { href: `?${new URLSearchParams({ ...Object.fromEntries(new URLSearchParams(location.search)), asOf: day })}`, dataset: { day }, class: 'hint-link' }, text);
  if (items.length === 0 && asOf && firstIncidentOn && asOf < firstIncidentOn) {
    hint.hidden = false;
    fill(hint, `Nothing had happened yet ${when}: the first incident counts from ${humanDate(firstIncidentOn)}. `, link(firstIncidentOn, `See the relations as of ${humanDate(firstIncidentOn)}`));
    return;
  }
  const viewDay = asOf ? referenceDay(asOf) : todayIso();
  if (!latest || latest.day >= addDays(viewDay, -RECENT_DAYS)) {
    hint.hidden = true;
    return;
  }
  const standing = items.filter((item) => item.escalation.conditions.length > 0).length;
  hint.hidden = false;
  fill(
    hint,
    `No incident in the ${RECENT_DAYS} days before ${asOf ? humanDate(asOf) : 'today'}: the latest counts from ${humanDate(latest.day)}. `,
    standing > 0
      ? `The scores ${when} are what still stands (conditions in ${standing} pair${standing === 1 ? '' : 's'}) and the fading weight of older incidents. `
      : `Nothing stands between these countries ${when}; older incidents have faded. `,
    link(latest.day, `See the relations as of ${humanDate(latest.day)}`),
  );
}

$('#as-of').addEventListener('click', (event) => {
  const link = event.target.closest('a.hint-link');
  if (!link) return;
  event.preventDefault();
  if (updateUrl({ asOf: link.dataset.day })) {
    asOfControl.sync();
    load();
  }
});

function row(item, asOf) {
  const key = item.pair.join('-');
  const [a, b] = item.pair;
  const href = pairHref(item.pair, asOf);
  const last = item.lastIncident;
  const tr = h(
    'tr',
    { dataset: { pair: key, href }, class: flashing.has(key) ? 'flash' : null },
    h(
      'th',
      { scope: 'row', 'data-label': 'Pair' },
      h('a', { href, class: 'pair-link' }, `${item.names[a] ?? a} – ${item.names[b] ?? b}`),
      h('span', { class: 'codes' }, `${a}–${b}`),
      h('span', { class: 'country-links small' }, ' · ', h('a', { href: `/countries/${a}` }, item.names[a] ?? a), ' · ', h('a', { href: `/countries/${b}` }, item.names[b] ?? b)),
    ),
    h('td', { 'data-label': 'Level' }, levelBadge(item.escalation.level)),
    h('td', { class: 'num score', 'data-label': 'Score' }, scoreLink(item.escalation.score)),
    h('td', { 'data-label': '30-day trend' }, trendCell(item.escalation.trend)),
    h('td', { class: 'this-month', 'data-label': 'This month' }, judgementCell(item.thisMonth)),
    h('td', { 'data-label': 'Relations' }, h('span', { class: `relations-${item.relations}` }, RELATIONS[item.relations] ?? item.relations)),
    h('td', { 'data-label': 'Last incident' }, last ? [h('span', { class: 'nowrap' }, humanDate(last.occurredOn)), h('br'), h('span', { class: 'muted small' }, typeLabel(last.type))] : '–'),
    h('td', { class: 'num', 'data-label': 'Incidents' }, String(item.incidentCount)),
    h('td', { class: 'spark-cell', 'data-label': 'Last 180 days' }, h('div', { class: 'spark', dataset: { pair: key } })),
  );
  return tr;
}

// A click anywhere on a row opens the pair (the link in its first cell is what keyboards use).
tbody.addEventListener('click', (event) => {
  const tr = event.target.closest('tr[data-href]');
  if (!tr || event.target.closest('a') || window.getSelection()?.toString()) return;
  location.href = tr.dataset.href;
});

/** Each row's sparkline, from the scores the overview gave with it: no request per pair. */
function drawSparklines(shown) {
  if (sparkDays.length === 0) return;
  const [from, to] = [sparkDays[0], sparkDays.at(-1)];
  for (const item of shown) {
    const cell = tbody.querySelector(`.spark[data-pair="${item.pair.join('-')}"]`);
    if (!cell) continue;
    const scores = item.sparkline;
    const peak = Math.max(0, ...scores);
    cell.setAttribute('role', 'img');
    cell.setAttribute('aria-label', `Score from ${humanDate(from)} to ${humanDate(to)}: peak ${scoreText(peak)}, ending at ${scoreText(scores.at(-1) ?? 0)}`);
    sparkline(cell, scores.map((score, i) => ({ at: `${sparkDays[i]}T00:00:00Z`, score })), { width: 140 });
  }
}

// Live: each update goes into the feed; the table reloads (once per burst) and flashes the pair.
const reloadSoon = debounce(() => load(), 250);

function onUpdate(update) {
  addToFeed(update);
  flashing.add(update.pairKey);
  setTimeout(() => {
    flashing.delete(update.pairKey);
    tbody.querySelector(`tr[data-pair="${update.pairKey}"]`)?.classList.remove('flash');
  }, 4000);
  reloadSoon();
}

/** What a later fact about an incident is called in the feed. */
const FACT_LABELS = { corrected: 'Correction', retracted: 'Retraction', corroborated: 'Corroboration', confirmed: 'Confirmation by an analyst' };

/** The reason an amendment gives, or where a corroboration came from, or an analyst's note. */
function factDetail(kind, data) {
  if (kind === 'corroborated') return `: another report (${data.provenance.dataset} row ${data.provenance.row}${data.source?.publisher ? `, ${data.source.publisher}` : ''})`;
  if (kind === 'confirmed') return data.note ? `: ${data.note}` : '';
  return `: ${data.reason}`;
}

function addToFeed(update) {
  const list = $('#feed');
  $('#feed-empty').hidden = true;
  const { event, relation } = update;
  const data = event.data;
  const [a, b] = update.pairKey.split('-');
  const what =
    update.kind === 'reported'
      ? [h('strong', {}, typeLabel(event.type)), ` ${data.actor} → ${data.target}, ${humanDate(data.occurredOn)}: `, data.summary]
      : [h('strong', {}, FACT_LABELS[update.kind] ?? update.kind), ` of an incident between ${a} and ${b}`, factDetail(update.kind, data)];
  const item = h(
    'li',
    { class: 'feed-item' },
    h('p', {}, ...what),
    h(
      'p',
      { class: 'small muted' },
      relation ? ['Score today ', h('strong', {}, scoreLink(relation.score)), ` (${relation.level}) · `] : '',
      h('a', { href: pairHref([a, b], loadedAsOf) }, `Open ${a}–${b}`),
      update.replayed ? ' · caught up after reconnecting' : '',
    ),
  );
  list.prepend(item);
  while (list.children.length > FEED_LENGTH) list.lastElementChild.remove();
  if (update.kind === 'reported') announce(`New incident: ${typeLabel(event.type)}, ${data.actor} to ${data.target}.`);
}

// A reset means the server's log is not the one these feed items came from: they may be gone.
function onReset() {
  fill($('#feed'));
  $('#feed-empty').hidden = false;
  announce('The server’s data changed; the overview was reloaded.');
}

mountNewPairForm($('#new-pair'));
followLiveThenLoad({ onUpdate, load, onReset });
