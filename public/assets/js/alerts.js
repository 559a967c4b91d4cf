// The alerts page: the latest alerts (live from GET /watches/alerts/stream), the watches, and a form to add one.
import { api, authHeaders } from './api.js';
import { $, announce, fill, h } from './dom.js';
import { levelBadge, scoreLink } from './format.js';
import { askForKey, needsKey } from './key-prompt.js';
import { readStream, showLiveStatus } from './live.js';

const list = $('#alerts');

function alertItem(alert, fresh) {
  const [a, b] = alert.pair.split('-');
  return h(
    'li',
    { class: `feed-item${fresh ? ' flash' : ''}`, dataset: { alertId: alert.alertId, pair: alert.pair } },
    h('p', {}, levelBadge(alert.level), ' ', h('strong', {}, alert.message)),
    h(
      'p',
      { class: 'small muted' },
      `${alert.watchName} · ${new Date(alert.raisedAt).toUTCString()} · score `,
      scoreLink(alert.score),
      ' · ',
      h('a', { href: `/pairs/${a}-${b}` }, `Open ${a}–${b}`),
    ),
  );
}

function showAlert(alert, fresh) {
  if (list.querySelector(`[data-alert-id="${CSS.escape(alert.alertId)}"]`)) return;
  $('#alerts-empty').hidden = true;
  const item = alertItem(alert, fresh);
  if (fresh) list.prepend(item);
  else list.append(item);
  if (fresh) announce(`Alert: ${alert.message}`);
}

async function loadAlerts() {
  const { items } = await api.get('/watches/alerts');
  for (const alert of items) showAlert(alert, false);
}

async function loadWatches() {
  const { items } = await api.get('/watches');
  fill(
    $('#watches'),
    items.length === 0
      ? h('li', { class: 'muted' }, 'No watch yet.')
      : items.map((watch) =>
          h(
            'li',
            { dataset: { watchId: watch.watchId } },
            h('strong', {}, watch.name),
            ` — ${watch.ruleText}; `,
            [...watch.pairs, ...watch.countries.map((c) => `${c} (all pairs)`)].join(', '),
            watch.webhookUrl ? h('span', { class: 'small muted' }, ` · webhook ${watch.webhookUrl} (${watch.pendingDeliveries} pending)`) : '',
            watch.alerting.length ? h('span', { class: 'small' }, ` · alerting: ${watch.alerting.join(', ')}`) : '',
            ' ',
            h('button', { type: 'button', class: 'button', onclick: () => removeWatch(watch) }, 'Delete'),
          ),
        ),
  );
}

async function removeWatch(watch) {
  try {
    await api.delete(`/watches/${watch.watchId}`);
    announce(`Watch ${watch.name} deleted`);
    await loadWatches();
  } catch (error) {
    if (needsKey(error)) askForKey(error.problem, () => removeWatch(watch));
    else announce(error.message);
  }
}

const splitList = (text) => text.split(/[\s,]+/).map((part) => part.trim().toUpperCase()).filter(Boolean);

$('#watch-rule').addEventListener('change', () => {
  $('#watch-level-row').hidden = $('#watch-rule').value !== 'level_reached';
});

$('#watch-form').addEventListener('submit', async function submit(event) {
  event?.preventDefault();
  const form = $('#watch-form');
  const ruleType = form.rule.value;
  const body = {
    name: form.name.value,
    rule: ruleType === 'level_reached' ? { type: ruleType, level: form.level.value } : { type: ruleType },
  };
  const pairs = splitList(form.pairs.value);
  const countries = splitList(form.countries.value);
  if (pairs.length) body.pairs = pairs;
  if (countries.length) body.countries = countries;
  if (form.webhookUrl.value.trim()) body.webhookUrl = form.webhookUrl.value.trim();
  const result = $('#watch-form-result');
  try {
    const created = await api.post('/watches', body);
    fill(
      result,
      h('p', { class: 'callout' }, `Watch “${created.name}” created.`),
      created.webhookSecret
        ? h('p', {}, 'Webhook secret (shown once; verify X-Demarche-Signature with it): ', h('code', { id: 'webhook-secret' }, created.webhookSecret))
        : '',
    );
    form.reset();
    await loadWatches();
  } catch (error) {
    if (needsKey(error)) return askForKey(error.problem, () => submit());
    const errors = error.problem?.errors ?? [];
    fill(result, h('div', { class: 'callout error' }, h('p', {}, 'The watch was not created:'), h('ul', {}, (errors.length ? errors : [{ field: '', message: error.message }]).map((e) => h('li', {}, e.field ? `${e.field}: ${e.message}` : e.message)))));
  }
});

/** Follows the alert stream, reconnecting with backoff and Last-Event-ID; each (re)connection also reads back the latest alerts from GET /watches/alerts (shown once, by id). */
async function followAlerts() {
  let lastEventId;
  for (let failures = 0; ; failures++) {
    showLiveStatus(failures === 0 ? 'connecting' : 'reconnecting');
    try {
      const resume = lastEventId ? { 'last-event-id': lastEventId } : {};
      const response = await fetch('/watches/alerts/stream', { headers: { accept: 'text/event-stream', ...resume, ...authHeaders() }, cache: 'no-store' });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      showLiveStatus('live');
      document.body.dataset.alerts = 'live';
      // Subscribed first, then read: an alert raised in between is in one or the other (shown once, by id).
      await loadAlerts();
      failures = 0;
      await readStream(response.body, {
        onId: (id) => {
          lastEventId = id;
        },
        onRetry: () => {},
        onMessage: (message) => {
          if (message.event === 'alert') showAlert(JSON.parse(message.data), true);
        },
      });
    } catch (error) {
      showLiveStatus('reconnecting', String(error?.message ?? error));
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 2000 * 2 ** Math.min(failures, 4))));
  }
}

async function start() {
  try {
    await loadWatches();
  } catch (error) {
    if (needsKey(error)) return askForKey(error.problem, start);
    fill($('#watches'), h('li', { class: 'callout' }, error.message));
  }
  followAlerts();
}

start();
