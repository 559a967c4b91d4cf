import type { Alert, DeliveryAttempt, RegistryEvent, WatchCreated, WatchStreamEvent } from './watch-events.js';

/** A watch as created; `secret` stays server-side. */
export type Watch = WatchCreated['data'];

/** An alert whose webhook has not been delivered nor given up on: what a restart resumes. */
export interface PendingDelivery {
  alert: Alert;
  /** Attempts made so far. */
  attempts: number;
  /** When the next attempt is due (ISO), or null for now. */
  dueAt: string | null;
}

/** What one watch's stream folds to. */
export interface WatchHistory {
  /** Per pair, what the rule saw when it last alerted; absent once cleared. */
  signatures: Map<string, string>;
  /** How many alerts each pair has raised: part of the next alert's id, so a re-armed alert is a new one. */
  raisedPerPair: Map<string, number>;
  alerts: Alert[];
  deliveries: DeliveryAttempt[];
  pending: Map<string, PendingDelivery>;
  /** Revision of the stream's last event, or -1. */
  revision: number;
  /** The read model's log position the last alert raised or cleared was judged on (see JudgedOn). */
  basedOn: string | null;
}

/** Alerts and delivery attempts kept in memory per watch (the stream keeps all of them). */
export const HISTORY_KEPT = 500;

export function emptyHistory(): WatchHistory {
  return { signatures: new Map(), raisedPerPair: new Map(), alerts: [], deliveries: [], pending: new Map(), revision: -1, basedOn: null };
}

/** The active watches: created and not deleted, in order of creation. */
export function evolveRegistry(watches: Map<string, Watch>, event: RegistryEvent): Map<string, Watch> {
  if (event.type === 'WatchCreated') watches.set(event.data.watchId, event.data);
  else watches.delete(event.data.watchId);
  return watches;
}

export function evolveHistory(history: WatchHistory, event: WatchStreamEvent, hasWebhook: boolean): WatchHistory {
  history.revision++;
  switch (event.type) {
    case 'AlertRaised': {
      const { basedOn, ...alert } = event.data;
      history.basedOn = basedOn ?? null;
      history.signatures.set(alert.pair, alert.signature);
      history.raisedPerPair.set(alert.pair, (history.raisedPerPair.get(alert.pair) ?? 0) + 1);
      keepLast(history.alerts, alert);
      if (hasWebhook) history.pending.set(alert.alertId, { alert, attempts: 0, dueAt: null });
      break;
    }
    case 'AlertCleared':
      history.basedOn = event.data.basedOn ?? null;
      history.signatures.delete(event.data.pair);
      break;
    case 'WebhookDeliveryAttempted': {
      const attempt = event.data;
      keepLast(history.deliveries, attempt);
      const pending = history.pending.get(attempt.alertId);
      if (!pending) break;
      if (attempt.outcome === 'failed') history.pending.set(attempt.alertId, { ...pending, attempts: attempt.attempt, dueAt: attempt.nextAttemptAt });
      else history.pending.delete(attempt.alertId);
      break;
    }
    default:
      return unknownEvent(event);
  }
  return history;
}

function keepLast<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > HISTORY_KEPT) list.splice(0, list.length - HISTORY_KEPT);
}

function unknownEvent(event: never): never {
  throw new Error(`unknown watch event ${JSON.stringify(event)}`);
}
