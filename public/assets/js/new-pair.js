// "Report an incident for a new pair" on the overview: choose two countries, land on their page at its report form.
import { catalog } from './api.js';
import { fill, h } from './dom.js';

export async function mountNewPairForm(form) {
  const [first, second] = [form.elements.namedItem('a'), form.elements.namedItem('b')];
  const error = form.querySelector('#new-pair-error');
  try {
    const { countries } = await catalog();
    for (const select of [first, second]) {
      fill(select, h('option', { value: '' }, 'Choose…'), countries.map((c) => h('option', { value: c.code }, `${c.name} (${c.code})`)));
    }
  } catch {
    // The overview itself says when the server cannot be reached.
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const message = !first.value || !second.value ? 'Choose both countries.' : first.value === second.value ? 'Choose two different countries.' : null;
    error.hidden = message === null;
    fill(error, message ?? '');
    if (message) {
      (first.value ? second : first).focus();
      return;
    }
    const pair = [first.value, second.value].sort();
    location.href = `/pairs/${pair.join('-')}#report-heading`;
  });
}
