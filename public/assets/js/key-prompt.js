// When the server needs an API key to read (READS_REQUIRE_KEY), the page asks for one once,
// keeps it for this tab, and tries again.
import { setApiKey } from './api.js';
import { $, h } from './dom.js';

/** Shows (or refreshes) the prompt under the page title; `retry` runs once a key is entered. */
export function askForKey(problem, retry) {
  const existing = $('#key-prompt');
  const input = h('input', { type: 'password', id: 'key-prompt-input', autocomplete: 'off', required: true });
  const form = h(
    'form',
    { class: 'panel key-prompt', id: 'key-prompt' },
    h('h2', {}, 'This server needs an API key'),
    h('p', {}, problem.detail || problem.title || 'The server refused the request.'),
    h('label', { for: input.id }, 'API key'),
    ' ',
    input,
    ' ',
    h('button', { type: 'submit', class: 'button primary' }, 'Use this key'),
    h('p', { class: 'hint small muted' }, 'Sent as a Bearer token to this server only, and kept for this browser tab.'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setApiKey(input.value.trim());
    form.remove();
    retry();
  });
  if (existing) existing.replaceWith(form);
  else $('h1').after(form);
  input.focus();
}

export function needsKey(error) {
  return error?.status === 401 || error?.status === 403;
}
