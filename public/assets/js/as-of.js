// The time-travel control shared by both pages: the `asOf` date lives in the URL (?asOf=YYYY-MM-DD),
// so every view is a link that can be shared, and the browser's back button travels back.
import { fill, h } from './dom.js';
import { addDays, humanDate, todayIso } from './format.js';

export function asOfFromUrl() {
  const value = new URLSearchParams(location.search).get('asOf');
  return value && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) ? value : null;
}

/** `knownAt` (?knownAt=YYYY-MM-DD): the state as Demarche knew it then, before later reports and corrections. */
export function knownAtFromUrl() {
  const value = new URLSearchParams(location.search).get('knownAt');
  return value && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) ? value : null;
}

/** Puts `params` into the URL (null removes one) without reloading; returns whether it changed. */
export function updateUrl(params, { replace = false } = {}) {
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '') url.searchParams.delete(name);
    else url.searchParams.set(name, value);
  }
  if (url.href === location.href) return false;
  history[replace ? 'replaceState' : 'pushState'](null, '', url);
  return true;
}

const STEPS = [
  [-30, '−30 d', '30 days earlier'],
  [-7, '−7 d', '7 days earlier'],
  [-1, '−1 d', 'One day earlier'],
  [1, '+1 d', 'One day later'],
  [7, '+7 d', '7 days later'],
  [30, '+30 d', '30 days later'],
];

/**
 * Renders the control into `container`. onChange(asOf) runs when the user picks a date
 * (null = today). Returns { setShortcuts(list), sync() }.
 */
export function mountAsOf(container, { onChange }) {
  const today = todayIso();
  const input = h('input', { type: 'date', id: 'as-of-date', name: 'asOf', max: today, min: '1800-01-01', 'aria-describedby': 'as-of-help' });
  const knownAtInput = h('input', { type: 'date', id: 'known-at-date', name: 'knownAt', max: today, min: '1800-01-01', 'aria-describedby': 'as-of-help' });
  const shortcuts = h('div', { class: 'as-of-shortcuts', role: 'group', 'aria-label': 'Jump to a date' });
  const form = h(
    'form',
    { class: 'as-of-form', id: 'as-of-form' },
    h(
      'div',
      { class: 'as-of-pick' },
      h('label', { for: 'as-of-date' }, 'As of'),
      input,
    ),
    h(
      'div',
      { class: 'as-of-pick known-at-pick' },
      h('label', { for: 'known-at-date', title: 'Only what Demarche had recorded by the end of this date: reports and corrections made later are left out' }, 'Known at'),
      knownAtInput,
      h('button', { type: 'submit', class: 'button primary' }, 'Show'),
    ),
    h(
      'div',
      { class: 'as-of-steps', role: 'group', 'aria-label': 'Step through time' },
      STEPS.map(([days, text, label]) => h('button', { type: 'button', class: 'button step', 'aria-label': label, title: label, dataset: { days: String(days) } }, text)),
    ),
    shortcuts,
  );
  const help = h('p', { id: 'as-of-help', class: 'as-of-help' });
  fill(container, form, help);

  const current = () => asOfFromUrl();
  const go = (asOf, knownAt = knownAtFromUrl()) => {
    const value = asOf && asOf >= today ? null : asOf;
    const known = knownAt && knownAt >= today ? null : knownAt;
    if (updateUrl({ asOf: value, knownAt: known })) onChange(value);
    sync();
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go(input.value || null, knownAtInput.value || null);
  });
  form.addEventListener('click', (event) => {
    const button = event.target.closest('button[data-days], button[data-day], button[data-today]');
    if (!button) return;
    if (button.dataset.days) go(addDays((current() ?? today).slice(0, 10).padEnd(10, '-01'), Number(button.dataset.days)));
    else if (button.dataset.day) go(button.dataset.day);
    else go(null);
  });

  function sync() {
    const asOf = current();
    input.value = asOf && asOf.length === 10 ? asOf : '';
    const knownAt = knownAtFromUrl();
    knownAtInput.value = knownAt && knownAt.length === 10 ? knownAt : '';
    fill(
      help,
      asOf
        ? ['Showing the state as it stood at the end of ', h('strong', {}, humanDate(asOf)), ' (UTC)']
        : ['Showing the state ', h('strong', {}, 'today'), ` (${humanDate(today)})`],
      knownAt ? [', as Demarche knew it at the end of ', h('strong', {}, humanDate(knownAt)), ' (later reports and corrections left out). '] : '. ',
      "Incidents' weight halves every 30 days while standing conditions (relations severed, sanctions, war) hold theirs: travel back to see an old crisis.",
    );
    for (const button of container.querySelectorAll('button[data-day], button[data-today]')) {
      const active = button.dataset.today !== undefined ? !asOf : button.dataset.day === asOf;
      button.setAttribute('aria-pressed', String(active));
    }
  }

  function setShortcuts(list) {
    fill(
      shortcuts,
      h('span', { class: 'as-of-shortcuts-label' }, 'Jump to:'),
      list.map(({ label, day, hint }) =>
        h('button', { type: 'button', class: 'button shortcut', dataset: { day }, title: hint ?? `As of ${day}` }, `${label} · ${humanDate(day)}`),
      ),
      h('button', { type: 'button', class: 'button shortcut', dataset: { today: '' } }, 'Today'),
    );
    sync();
  }

  window.addEventListener('popstate', () => {
    sync();
    onChange(current());
  });
  setShortcuts([]);
  return { setShortcuts, sync, get value() { return current(); } };
}

/** The newest reported date among incidents, as a day the `asOf` control can jump to. */
export function latestDay(occurredOns, referenceDay) {
  let best = null;
  for (const occurredOn of occurredOns) {
    if (!occurredOn) continue;
    const day = referenceDay(occurredOn);
    if (!best || day > best.day) best = { day, occurredOn };
  }
  return best;
}

