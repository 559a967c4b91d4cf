// GET /events/stream, read with fetch rather than EventSource so that an API key can be sent
// and a refused resume point can be dropped; reconnects send Last-Event-ID like EventSource does.
import { authHeaders } from './api.js';

/**
 * Follows the live stream until stop() is called.
 * onUpdate(update) gets every `update` message in log order; onReady() fires each time the server
 * has caught this client up; onReset(info) when the server does not know this client's position
 * (its log was restored or replaced): what the page shows may be gone, so it must reload;
 * onStatus(state, detail) tells 'connecting' | 'live' | 'reconnecting' | 'offline'.
 */
export function followLive({ onUpdate, onReady = () => {}, onReset = () => {}, onStatus = () => {} }) {
  let lastEventId = null;
  let retryMs = 2000;
  let retryAfterMs = 0;
  let stopped = false;
  let controller;
  let failures = 0;

  async function run() {
    while (!stopped) {
      controller = new AbortController();
      onStatus(lastEventId === null && failures === 0 ? 'connecting' : 'reconnecting');
      try {
        const headers = { accept: 'text/event-stream', ...authHeaders() };
        if (lastEventId !== null) headers['last-event-id'] = lastEventId;
        const response = await fetch('/events/stream', { headers, signal: controller.signal, cache: 'no-store' });
        if (response.status === 400 && lastEventId !== null) {
          // The server refuses our position (a different kind of log): start afresh, and have the page reload its data.
          lastEventId = null;
          onReset({ reason: 'refused' });
          continue;
        }
        // Too many streams (429 from this address, 503 in all): wait at least as long as the server asks.
        retryAfterMs = 1000 * (Number(response.headers.get('retry-after')) || 0);
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        await readStream(response.body, {
          onId: (id) => {
            lastEventId = id;
          },
          onRetry: (ms) => {
            retryMs = ms;
          },
          onMessage: (message) => {
            if (message.event === 'reset') {
              // The reset's id (already taken as lastEventId) is the head of the server's log: live from there.
              onReset(JSON.parse(message.data));
            } else if (message.event === 'ready') {
              failures = 0;
              onStatus('live');
              onReady(JSON.parse(message.data));
            } else if (message.event === 'update') {
              onUpdate(JSON.parse(message.data));
            }
          },
        });
      } catch (error) {
        if (stopped) return;
        failures++;
        onStatus(failures > 3 ? 'offline' : 'reconnecting', String(error?.message ?? error));
      }
      if (stopped) return;
      failures = Math.max(failures, 1);
      // Back off a little more after each failure, with jitter, up to 30 s.
      const wait = Math.max(retryAfterMs, Math.min(30_000, retryMs * 2 ** Math.min(failures - 1, 4)) * (0.75 + Math.random() * 0.5));
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  run();
  return {
    stop() {
      stopped = true;
      controller?.abort();
    },
  };
}

/**
 * Parses text/event-stream as the HTML standard says: fields until a blank line, then dispatch.
 * The id and retry fields take effect as soon as they are read, even without data.
 */
export async function readStream(body, { onId, onRetry, onMessage }) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let data = [];
  let event;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop();
    for (const line of lines) {
      if (line === '') {
        if (data.length > 0) onMessage({ event: event || 'message', data: data.join('\n') });
        data = [];
        event = undefined;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const text = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(text);
      else if (field === 'event') event = text;
      else if (field === 'id' && !text.includes('\0')) onId(text);
      else if (field === 'retry' && /^\d+$/.test(text)) onRetry(Number(text));
    }
  }
}

const STATUS_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline — retrying',
};

/** Shows the connection state in the header's status element (and on <body data-live> for tests). */
export function showLiveStatus(state, detail) {
  const element = document.getElementById('live-status');
  document.body.dataset.live = state;
  if (!element) return;
  element.className = `live-status live-${state}`;
  element.textContent = STATUS_TEXT[state] ?? state;
  element.title = detail ? `Live updates: ${detail}` : 'Live updates from /events/stream';
}

/**
 * Subscribe first, then load: nothing recorded in between can be missed. Loads once the stream
 * is live (or after 1.5 s if it is slow to answer), and again whenever the stream had to reset
 * (after `onReset`, for what the page keeps besides what `load` redraws).
 */
export function followLiveThenLoad({ onUpdate, load, onReset = () => {} }) {
  let firstReady;
  const ready = new Promise((resolve) => {
    firstReady = resolve;
  });
  followLive({
    onUpdate,
    onStatus: showLiveStatus,
    onReady: () => firstReady(),
    onReset: (info) => {
      onReset(info);
      load();
    },
  });
  Promise.race([ready, new Promise((resolve) => setTimeout(resolve, 1500))]).then(load);
}
