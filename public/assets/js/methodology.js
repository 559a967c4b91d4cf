// The methodology page: every figure comes from GET /methodology, built from the scoring code itself.
import { api } from './api.js';
import { $, fill, h } from './dom.js';
import { levelBadge } from './format.js';

function table(caption, headers, rows) {
  return h(
    'div',
    // On a phone each row becomes a card, each value under its column's name (explorer.css).
    { class: 'table-wrap cards-on-phone' },
    h(
      'table',
      {},
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headers.map(([label, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, label)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map(([value, num], i) => h(i === 0 ? 'th' : 'td', { ...(i === 0 ? { scope: 'row' } : {}), class: num ? 'num' : null, 'data-label': headers[i]?.[0] }, value))))),
    ),
  );
}

function render(m) {
  fill($('#summary'), m.summary.map((sentence) => h('p', {}, sentence)));
  const f = m.formula;
  fill(
    $('#formula'),
    h('ul', { class: 'formula' }, [f.decay, f.conflict, f.cooperation, f.momentum, f.tension, f.score].map((line) => h('li', {}, h('code', {}, line)))),
    h('p', {}, f.points),
    h('p', { class: 'small muted' }, `Constants: half-life ${m.constants.halfLifeDays} days, tit-for-tat multiplier ×${m.constants.reciprocalMultiplier}, cooperation offset ${m.constants.cooperationOffset}, saturation ${m.constants.saturation}.`),
  );
  fill(
    $('#decay-body'),
    table('Share of an incident’s weight left', [['Days after'], ['Weight left', true]], m.decay.map((d) => [[`${d.days} days`], [`${Math.round(d.remaining * 1000) / 10}%`, true]])),
  );
  fill(
    $('#levels-body'),
    table(
      'Levels and the pressure that reaches them',
      [['Level'], ['Score from', true], ['Score below', true], ['Pressure from', true]],
      m.levels.map((l) => [[levelBadge(l.level)], [String(l.from), true], [l.below === null ? '—' : String(l.below), true], [String(l.pressureFrom), true]]),
    ),
  );
  fill(
    $('#conditions-body'),
    table(
      'Conditions that hold until an incident ends them',
      [['Condition'], ['Tension', true], ['Score on its own', true], ['Begun by'], ['Ended by'], ['Note']],
      m.conditions.map((c) => [[c.label], [String(c.tension), true], [c.scoreAlone.toFixed(1), true], [c.begins], [c.ends], [c.note ?? '']]),
    ),
  );
  fill(
    $('#types-body'),
    table(
      'Incident types with their CAMEO code and Goldstein weight',
      [['Type'], ['CAMEO'], ['Goldstein', true], ['Nature'], ['Score when fresh', true], ['What makes it weigh more']],
      m.incidentTypes.map((t) => [[t.label], [h('span', { title: t.cameoName }, t.cameo)], [t.goldstein.toFixed(1), true], [t.nature], [t.scoreWhenFresh.toFixed(1), true], [t.multiplier ?? '']]),
    ),
  );
  fill(
    $('#evidence-body'),
    h('p', {}, m.evidence.explanation),
    table(
      'An imported incident’s weight by its independent sources',
      [['Independent sources'], ['Share of its weight', true]],
      m.evidence.importedBySources.map((step) => [[String(step.sources)], [`${Math.round(step.weight * 100)}%`, true]]),
    ),
    h('p', { class: 'small muted' }, m.evidence.rationale),
  );
  fill($('#trend-body'), h('p', {}, m.trend));
  // The page was opened at a section (e.g. #score from a score link): it exists only now.
  if (location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

api.get('/methodology').then(render, (error) => fill($('#summary'), h('p', { class: 'callout' }, `The methodology could not be loaded: ${error.message}`)));
