import type { LiveFeed, OutgoingUpdate, ResumeCheck } from './live-feed.service.js';
import type { SseConnection } from './sse-connection.js';

/** The `id` of the `ready` (or `reset`) message when nothing has been applied yet: resume from the start of the log. */
export const START_OF_LOG = 'start';

/**
 * Live updates held back while a replay runs, at most. Past that they are let go and the replay
 * reads on in the log, which holds them too: a long replay while writes pour in holds no more.
 */
const MAX_HELD = 1_000;

export interface SessionStart {
  /** undefined = live only; null = the whole log; else the position to resume after. */
  after: string | null | undefined;
  /** Set when the client's resume point is not in this log: it is told to reload, then goes live. */
  reset?: Extract<ResumeCheck, { known: false }>['reason'];
}

/**
 * One client's stream: the updates it missed, read from the log at the pace it reads them, then
 * the live ones — every event once, in log order — until the connection closes.
 */
export async function runLiveSession(connection: SseConnection, feed: LiveFeed, start: SessionStart, heartbeatMs: number): Promise<void> {
  // Updates the read model applies from now on are held back until the replay is done.
  let through = feed.position;
  let lastSent: string | null = start.after === undefined ? through : start.after;
  let replaying = true;
  let overflowed = false;
  const held: OutgoingUpdate[] = [];
  const isNew = (update: OutgoingUpdate) => lastSent === null || feed.comparePositions(update.position, lastSent) > 0;
  const subscription = feed.outgoing$.subscribe({
    next: (update) => {
      if (replaying) {
        if (held.length < MAX_HELD) held.push(update);
        else {
          held.length = 0;
          overflowed = true;
        }
      } else if (isNew(update)) {
        connection.send(update.text);
        lastSent = update.position;
      }
    },
    complete: () => connection.end(),
    error: () => connection.end(),
  });
  const heartbeat = setInterval(() => connection.comment('heartbeat'), heartbeatMs);
  connection.onClose(() => {
    subscription.unsubscribe();
    clearInterval(heartbeat);
  });

  if (start.reset) {
    // The id moves the client's Last-Event-ID to this log's head, so its next reconnection resumes here.
    connection.send({ id: through ?? START_OF_LOG, event: 'reset', data: { reason: start.reset, position: through } });
  }
  let replayed = 0;
  if (start.after !== undefined) {
    try {
      for (;;) {
        for await (const page of feed.replayPages(lastSent, through)) {
          if (connection.closed) return;
          const flowing = connection.send(page.text);
          lastSent = page.lastUpdate;
          replayed += page.updates;
          // The socket is full: read no further in the log until the client has taken it in.
          if (!flowing) await connection.drained();
        }
        if (!overflowed) break;
        // What was let go is in the log up to here: read on instead.
        overflowed = false;
        held.length = 0;
        through = feed.position;
      }
    } catch {
      connection.end();
      return;
    }
  }
  if (connection.closed) return;
  for (const update of held.splice(0)) {
    if (!isNew(update)) continue;
    connection.send(update.text);
    lastSent = update.position;
  }
  replaying = false;
  connection.send({ id: lastSent ?? START_OF_LOG, event: 'ready', data: { position: lastSent, replayed } });
}
