// The world map: every country coloured by the worst level among its relations, each one with incidents a link to its page.
import { api, query } from './api.js';
import { asOfFromUrl, knownAtFromUrl, mountAsOf } from './as-of.js';
import { $, announce, fill, h } from './dom.js';
import { catalogReady, humanDate, LEVELS, levelBadge, levelLegend } from './format.js';
import { askForKey, needsKey } from './key-prompt.js';
import { worstLevels } from './world-levels.js';

const SVG = 'http://www.w3.org/2000/svg';
let shapes;

function svg(tag, attributes = {}, ...children) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) if (value !== null && value !== undefined) element.setAttribute(name, String(value));
  element.append(...children.filter(Boolean));
  return element;
}

function countryHref(code) {
  const params = new URLSearchParams();
  if (asOfFromUrl()) params.set('asOf', asOfFromUrl());
  if (knownAtFromUrl()) params.set('knownAt', knownAtFromUrl());
  const text = params.toString();
  return `/countries/${code}${text ? `?${text}` : ''}`;
}

async function load() {
  const asOf = asOfFromUrl();
  try {
    const [list, world] = await Promise.all([api.get(`/relations${query({ asOf, knownAt: knownAtFromUrl() })}`), (shapes ??= api.get('/map/world.json')), catalogReady]);
    fill($('#map-legend'), levelLegend());
    fill($('#map-when'), asOf ? `as of ${humanDate(asOf)}` : 'today');
    const worst = worstLevels(list.items, LEVELS);
    drawMap(world, worst);
    drawTable(worst);
    document.body.dataset.loaded = 'true';
    announce(`${worst.size} countries with incidents.`);
  } catch (problem) {
    fill($('#map'), h('p', { class: 'error' }, `Could not load the map: ${problem.message}`));
    if (needsKey(problem)) askForKey(problem.problem, () => load());
  }
}

/** A country's shape: its outline, or for one too small for the outlines a dot at its centre (r in map units). */
function shapeOf(country, attributes) {
  if (!country.dot) return svg('path', { d: country.d, ...attributes });
  const [cx, cy] = country.dot;
  return svg('circle', { cx, cy, r: 3.5, ...attributes, class: `${attributes.class} map-dot` });
}

function drawMap(world, worst) {
  // Dots last, so that a small state lying on a neighbour's outline is drawn above it and can be clicked.
  const ordered = [...world.countries.filter((country) => !country.dot), ...world.countries.filter((country) => country.dot)];
  const shapes = ordered.map((country) => {
    const entry = country.code ? worst.get(country.code) : undefined;
    if (!entry) {
      const shape = shapeOf(country, { class: 'map-country' });
      shape.append(svg('title', {}, country.name));
      return shape;
    }
    const label = `${entry.name}: ${entry.level} at worst, in ${entry.pairs} relation${entry.pairs === 1 ? '' : 's'}`;
    // An <a> in the SVG: reached with Tab, named for screen readers, opened with Enter like any link.
    const shape = shapeOf(country, { class: `map-country map-level-${entry.level}` });
    shape.append(svg('title', {}, label));
    return svg('a', { href: countryHref(country.code), 'aria-label': label, class: 'map-link', 'data-code': country.code }, shape);
  });
  const map = svg('svg', { viewBox: `0 0 ${world.width} ${world.height}`, role: 'group', 'aria-label': 'World map of countries by worst level', class: 'world-map' }, ...shapes);
  fill($('#map'), map);
}

function drawTable(worst) {
  const rank = new Map(LEVELS.map((band, i) => [band.level, i]));
  const rows = [...worst.values()].sort((x, y) => rank.get(y.level) - rank.get(x.level) || x.name.localeCompare(y.name));
  if (rows.length === 0) {
    fill($('#map-table-body'), h('tr', {}, h('td', { colspan: 4, class: 'muted' }, 'No incidents are recorded for this date.')));
    return;
  }
  fill(
    $('#map-table-body'),
    rows.map((entry) =>
      h(
        'tr',
        { dataset: { code: entry.code } },
        h('th', { scope: 'row', 'data-label': 'Country' }, h('a', { href: countryHref(entry.code) }, entry.name), h('span', { class: 'codes' }, entry.code)),
        h('td', { 'data-label': 'Worst level' }, levelBadge(entry.level)),
        h('td', { 'data-label': 'Pairs' }, String(entry.pairs)),
        h('td', { 'data-label': 'Worst with' }, entry.worstWith.name),
      ),
    ),
  );
}

const asOfControl = mountAsOf($('#as-of'), { onChange: () => load() });
asOfControl.sync();
load();
