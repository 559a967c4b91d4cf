// What makes up a pair's score: the conditions standing and the incidents weighing most, each with
// the points of the score it accounts for (they add up to the score; see the README's escalation section).
import { fill, h } from './dom.js';
import { humanDate, scoreText, typeLabel } from './format.js';

const signed = (points) => `${points > 0 ? '+' : points < 0 ? '−' : ''}${Math.abs(points).toFixed(1)}`;

/** Fills `box` with the breakdown of `relation`'s score; `last` is the day of the pair's last incident, offered when nothing weighs. */
export function renderBreakdown(box, relation, { asOf, last }) {
  const when = asOf ? `as of ${humanDate(asOf)}` : 'today';
  const escalation = relation?.escalation;
  const conditions = escalation?.conditions ?? [];
  const contributors = escalation?.topContributors ?? [];
  if (!escalation || (conditions.length === 0 && contributors.length === 0)) {
    fill(
      box,
      h(
        'p',
        { class: 'callout' },
        `Nothing weighs on the score ${when}: no condition stands and incidents' weights halve every 30 days. `,
        last && (!asOf || asOf > last) ? h('button', { type: 'button', class: 'button shortcut jump', dataset: { day: last } }, `Show as of the last incident (${humanDate(last)})`) : null,
      ),
    );
    return;
  }
  fill(
    box,
    h('p', { class: 'small muted breakdown-sum' }, `The score of ${scoreText(escalation.score)} ${when} is ${escalation.tension.toFixed(1)} points of pressure from standing conditions and ${escalation.momentum.toFixed(1)} from recent incidents; each part below is its share of the score, and the parts add up to it.`),
    conditions.length > 0 ? conditionsTable(conditions, escalation.score, when) : h('p', { class: 'small', id: 'no-conditions' }, `No condition stands ${when}: the score is the incidents' momentum alone.`),
    contributors.length > 0 ? contributorsTable(contributors, escalation, when) : null,
  );
}

function conditionsTable(conditions, score, when) {
  return h(
    'div',
    { class: 'table-wrap cards-on-phone' },
    h(
      'table',
      { class: 'conditions' },
      h('caption', {}, `Standing ${when}: ${conditions.length} condition${conditions.length === 1 ? '' : 's'}, which hold their weight until an incident ends them`),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Condition'), h('th', { scope: 'col' }, 'Since'), h('th', { scope: 'col', class: 'num' }, 'Points'))),
      h(
        'tbody',
        {},
        conditions.map((c) =>
          h(
            'tr',
            { dataset: { kind: c.kind } },
            h('th', { scope: 'row', class: 'condition-description', 'data-label': 'Condition' }, c.description),
            h('td', { class: 'nowrap', 'data-label': 'Since' }, humanDate(c.since)),
            h('td', { class: 'num conflict', 'data-label': 'Points', title: `${c.tension} points of pressure, of ${score.toFixed(1)}` }, signed(c.points)),
          ),
        ),
      ),
    ),
  );
}

function contributorsTable(contributors, escalation, when) {
  return h(
    'div',
    { class: 'table-wrap cards-on-phone' },
    h(
      'table',
      { class: 'contributors' },
      h('caption', {}, `Top ${contributors.length} incidents weighing on the score ${when}`, escalation.otherIncidentsPoints !== 0 ? ` (the others: ${signed(escalation.otherIncidentsPoints)} points)` : ''),
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
            h('th', { scope: 'row', 'data-label': 'Incident' }, h('span', { class: c.contribution > 0 ? 'conflict' : 'cooperation' }, typeLabel(c.type)), ` ${c.actor} → ${c.target}`, h('br'), h('span', { class: 'small muted' }, c.summary)),
            h('td', { class: 'nowrap', 'data-label': 'Date' }, humanDate(c.occurredOn)),
            h('td', { class: `num ${c.contribution > 0 ? 'conflict' : 'cooperation'}`, 'data-label': 'Points', title: `${c.contribution} points of net pressure` }, signed(c.points)),
            h('td', { class: 'num', 'data-label': 'Weight left' }, `${Math.round(c.remaining * 100)}%`, h('span', { class: 'weight-bar', 'aria-hidden': 'true' }, h('span', { class: `weight-fill w${Math.round(c.remaining * 10)}` }))),
            h('td', { class: 'explanation', 'data-label': 'Explanation' }, c.explanation),
          ),
        ),
      ),
    ),
  );
}
