// The incidents page: search and filter every incident across all pairs; the list and the downloads follow the filters.
import { api, catalog, query } from './api.js';
import { updateUrl } from './as-of.js';
import { $, announce, fill, h } from './dom.js';
import { catalogReady, humanDate, pairHref, typeLabel } from './format.js';
import { correctionNote, detailsText, evidenceNote, retractionNote, sourceList } from './incident-view.js';
import { askForKey, needsKey } from './key-prompt.js';

const PAGE_SIZE = 50;
/** The largest page the API serves: what a download holds. */
const DOWNLOAD_LIMIT = 500;
const FIELDS = ['q', 'type', 'country', 'actor', 'target', 'from', 'to', 'knownAt', 'sort', 'retracted', 'provenance', 'minSources'];
const COLUMNS = 5;

const form = $('#search');
const tbody = $('#results-body');
const more = $('#more');
let next = null;
let shown = 0;

/** The filters in the URL, so a search is a link to share and Back returns to the previous one. */
function filtersFromUrl() {
  const params = new URLSearchParams(location.search);
  return Object.fromEntries(FIELDS.map((name) => [name, params.get(name) ?? '']));
}

function filtersFromForm() {
  const data = new FormData(form);
  const filters = Object.fromEntries(FIELDS.map((name) => [name, String(data.get(name) ?? '').trim()]));
  if (filters.sort === '-reported') filters.sort = '';
  return filters;
}

function fillForm(filters) {
  for (const name of FIELDS) {
    const field = form.elements.namedItem(name);
    if (field.type === 'checkbox') field.checked = filters[name] === 'include';
    else field.value = filters[name] || (name === 'sort' ? '-reported' : '');
  }
}

/** What the API is asked: newest reported first unless another order is chosen. */
function apiParams(filters) {
  return { ...filters, sort: filters.sort || '-reported' };
}

async function fillChoices() {
  const [cat] = await Promise.all([catalog(), catalogReady]);
  fill($('#type'), h('option', { value: '' }, 'Any type'), cat.incidentTypes.map((t) => h('option', { value: t.type }, t.label)));
  for (const select of document.querySelectorAll('.country-select')) {
    fill(select, h('option', { value: '' }, 'Any country'), cat.countries.map((c) => h('option', { value: c.code }, `${c.name} (${c.code})`)));
  }
}

async function load({ append = false } = {}) {
  const filters = filtersFromUrl();
  const params = apiParams(filters);
  updateDownloads(params);
  try {
    const page = await api.get(`/incidents${query({ ...params, limit: PAGE_SIZE, cursor: append ? next : undefined })}`);
    if (!append) {
      fill(tbody);
      shown = 0;
    }
    next = page.next;
    shown += page.items.length;
    tbody.append(...page.items.map(row));
    if (shown === 0) fill(tbody, h('tr', {}, h('td', { colspan: COLUMNS, class: 'muted' }, 'No incident matches these filters.')));
    more.hidden = next === null;
    const searching = FIELDS.some((name) => filters[name]);
    fill($('#results-heading'), searching ? 'Matching incidents' : 'Latest incidents');
    const count = `${shown} incident${shown === 1 ? '' : 's'} shown${next ? ', more below' : ''}.`;
    fill($('#results-count'), count);
    if (!append) announce(count);
    document.body.dataset.loaded = 'true';
  } catch (problem) {
    const detail = problem.problem?.errors?.map((e) => `${fieldName(e.field)} ${e.message}`).join('; ') || problem.message;
    fill(tbody, h('tr', {}, h('td', { colspan: COLUMNS, class: 'error' }, `Could not search: ${detail}`)));
    if (needsKey(problem)) askForKey(problem.problem, () => load());
  }
}

const FIELD_NAMES = { q: 'The words', type: 'The type', country: 'The country', actor: '“Done by”', target: '“Done to”', from: '“Occurred from”', to: '“Occurred to”', knownAt: '“Known at”', sort: 'The order', provenance: 'The provenance', minSources: 'The number of sources' };
function fieldName(field) {
  return FIELD_NAMES[field] ?? field;
}

function updateDownloads(params) {
  $('#download-csv').href = `/incidents${query({ ...params, limit: DOWNLOAD_LIMIT, format: 'csv' })}`;
  $('#download-json').href = `/incidents${query({ ...params, limit: DOWNLOAD_LIMIT })}`;
}

function row(incident) {
  const pair = [incident.actor, incident.target].sort();
  return h(
    'tr',
    { class: incident.retracted ? 'retracted' : null, dataset: { incidentId: incident.incidentId } },
    h('td', { 'data-label': 'Occurred', class: 'nowrap' }, humanDate(incident.occurredOn)),
    h('td', { 'data-label': 'Type' }, typeLabel(incident.type)),
    h('td', { 'data-label': 'Countries' }, h('a', { href: pairHref(pair) }, `${incident.actor} → ${incident.target}`)),
    h(
      'td',
      { 'data-label': 'Summary', class: 'summary-cell' },
      h('span', { class: 'summary-text' }, incident.summary),
      detailsText(incident.details),
      correctionNote(incident),
      retractionNote(incident),
    ),
    h('td', { 'data-label': 'Sources' }, sourceList(incident.sources), evidenceNote(incident)),
  );
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const filters = filtersFromForm();
  updateUrl(Object.fromEntries(FIELDS.map((name) => [name, filters[name] || null])));
  load();
});
form.addEventListener('reset', () => {
  setTimeout(() => {
    updateUrl(Object.fromEntries(FIELDS.map((name) => [name, null])));
    fillForm(filtersFromUrl());
    load();
  });
});
more.addEventListener('click', () => load({ append: true }));
window.addEventListener('popstate', () => {
  fillForm(filtersFromUrl());
  load();
});

await fillChoices().catch(() => undefined);
fillForm(filtersFromUrl());
load();
