// Month by month: deteriorated, improved or unchanged against the month before, with the reasons
// (GET /relations/{a}/{b}/months), newest first.
import { knownAtFromUrl } from './as-of.js';
import { api, query } from './api.js';
import { fill, h } from './dom.js';
import { humanDate, judgementCell, scoreLink } from './format.js';

/** Months shown: the latest up to the as-of month. */
const SHOWN = 24;

/** Fills `box` with the pair's latest months up to `asOf` (or now); `firstDay` is the day its first incident counts from. */
export async function renderMonths(box, [a, b], { asOf, firstDay }) {
  if (!firstDay) {
    fill(box, h('p', { class: 'muted' }, 'No incident is recorded between these countries yet.'));
    return;
  }
  const current = new Date().toISOString().slice(0, 7);
  const to = asOf ? [asOf.slice(0, 7), current].sort()[0] : current;
  const earliest = firstDay.slice(0, 7);
  if (to < earliest) {
    fill(box, h('p', { class: 'muted' }, `Nothing had happened by ${humanDate(asOf)}: the first incident counts from ${humanDate(firstDay)}.`));
    return;
  }
  const start = new Date(Date.UTC(Number(to.slice(0, 4)), Number(to.slice(5, 7)) - SHOWN, 1)).toISOString().slice(0, 7);
  const from = start > earliest ? start : earliest;
  const { months } = await api.get(`/relations/${a}/${b}/months${query({ from, to, knownAt: knownAtFromUrl() })}`);
  fill(
    box,
    h(
      'div',
      { class: 'table-wrap cards-on-phone' },
      h(
        'table',
        { class: 'months', id: 'months-table' },
        h('caption', {}, `Each month against the month before, ${humanDate(from)} to ${humanDate(to)}, newest first`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Month'), h('th', { scope: 'col' }, 'Judgement'), h('th', { scope: 'col', class: 'num' }, 'Score'), h('th', { scope: 'col' }, 'Why'))),
        h(
          'tbody',
          {},
          [...months].reverse().map((m) =>
            h(
              'tr',
              { dataset: { month: m.month, judgement: m.judgement } },
              h('th', { scope: 'row', class: 'nowrap', 'data-label': 'Month' }, humanDate(m.month)),
              h('td', { 'data-label': 'Judgement' }, judgementCell(m)),
              h('td', { class: 'num nowrap', 'data-label': 'Score' }, scoreLink(m.scoreBefore), ' → ', scoreLink(m.scoreAfter)),
              h('td', { 'data-label': 'Why' }, m.reasons.length > 0 ? h('ul', { class: 'reasons' }, m.reasons.map((reason) => h('li', {}, reason))) : h('span', { class: 'muted' }, 'Nothing began or ended; no incidents.')),
            ),
          ),
        ),
      ),
    ),
  );
}
