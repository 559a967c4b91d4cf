// A country's page: every relation it has (worst level first, this month's arrow), its latest incidents, CSV of its relations.
import { api, catalog, query } from './api.js';
import { asOfFromUrl, knownAtFromUrl, mountAsOf } from './as-of.js';
import { $, fill, h } from './dom.js';
import { catalogReady, humanDate, judgementCell, LEVELS, levelBadge, pairHref, scoreText, typeLabel } from './format.js';
import { correctionNote, detailsText, sourceList } from './incident-view.js';
import { askForKey, needsKey } from './key-prompt.js';
import { worstLevels } from './world-levels.js';

const LATEST = 10;
const code = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop() ?? '');

async function load() {
  const asOf = asOfFromUrl();
  const knownAt = knownAtFromUrl();
  try {
    const [cat] = await Promise.all([catalog(), catalogReady]);
    const country = cat.countries.find((c) => c.code === code);
    if (!country) {
      fill($('#country-name'), 'Unknown country');
      fill($('#country-relations-body'), h('tr', {}, h('td', { colspan: 5, class: 'error' }, `“${code}” is not an ISO 3166-1 alpha-3 country code (e.g. FRA).`)));
      fill($('#country-incidents'));
      return;
    }
    document.title = `${country.name} · Demarche`;
    fill($('#country-name'), country.name, ' ', h('span', { class: 'codes' }, code));
    fill($('#crumb'), country.name);
    $('#relations-csv').href = `/relations${query({ country: code, asOf, knownAt, format: 'csv' })}`;
    $('#relations-csv').setAttribute('download', `relations-${code}.csv`);
    $('#country-explore').href = `/explore${query({ country: code })}`;
    const [list, latest] = await Promise.all([
      api.get(`/relations${query({ country: code, asOf, knownAt })}`),
      api.get(`/incidents${query({ country: code, sort: '-occurred', limit: LATEST })}`),
    ]);
    renderHeadline(country, list, asOf);
    renderRelations(list.items, asOf);
    renderIncidents(latest.items);
    document.body.dataset.loaded = 'true';
  } catch (problem) {
    fill($('#country-relations-body'), h('tr', {}, h('td', { colspan: 5, class: 'error' }, `Could not load: ${problem.message}`)));
    if (needsKey(problem)) askForKey(problem.problem, () => load());
  }
}

function renderHeadline(country, list, asOf) {
  const entry = worstLevels(list.items, LEVELS).get(code);
  const when = asOf ? `as of ${humanDate(asOf)}` : 'today';
  if (!entry) {
    fill($('#country-headline'), `No incident involving ${country.name} is recorded ${asOf ? `by ${humanDate(asOf)}` : 'yet'}.`);
    return;
  }
  fill($('#country-headline'), 'Worst level ', levelBadge(entry.level), ` with ${entry.worstWith.name} (score ${scoreText(entry.worstWith.score)}), in ${entry.pairs} relation${entry.pairs === 1 ? '' : 's'} ${when}.`);
}

function renderRelations(items, asOf) {
  if (items.length === 0) {
    fill($('#country-relations-body'), h('tr', {}, h('td', { colspan: 5, class: 'muted' }, 'No relation with a recorded incident.')));
    return;
  }
  fill(
    $('#country-relations-body'),
    items.map((item) => {
      const other = item.pair[0] === code ? item.pair[1] : item.pair[0];
      return h(
        'tr',
        { dataset: { pair: item.pair.join('-') } },
        h('th', { scope: 'row', 'data-label': 'With' }, h('a', { href: pairHref(item.pair, asOf) }, item.names[other] ?? other), h('span', { class: 'codes' }, other)),
        h('td', { 'data-label': 'Level' }, levelBadge(item.escalation.level)),
        h('td', { class: 'num', 'data-label': 'Score' }, scoreText(item.escalation.score)),
        h('td', { 'data-label': 'This month' }, judgementCell(item.thisMonth)),
        h('td', { 'data-label': 'Last incident' }, item.lastIncident ? `${humanDate(item.lastIncident.occurredOn)} · ${typeLabel(item.lastIncident.type)}` : '–'),
      );
    }),
  );
}

function renderIncidents(items) {
  if (items.length === 0) {
    fill($('#country-incidents'), h('li', { class: 'muted' }, 'None recorded.'));
    return;
  }
  fill(
    $('#country-incidents'),
    items.map((incident) =>
      h(
        'li',
        { class: 'incident-card' },
        h('p', {}, h('strong', {}, humanDate(incident.occurredOn)), ' · ', typeLabel(incident.type), ' · ', h('a', { href: pairHref([incident.actor, incident.target].sort()) }, `${incident.actor} → ${incident.target}`)),
        h('p', {}, incident.summary),
        detailsText(incident.details),
        correctionNote(incident),
        sourceList(incident.sources),
      ),
    ),
  );
}

mountAsOf($('#as-of'), { onChange: () => load() }).sync();
load();
