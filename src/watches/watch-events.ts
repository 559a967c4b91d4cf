import type { JsonObject } from '../event-store/event-store.port.js';
import type { WatchRule } from './watch-rules.js';

/**
 * Watches live in the event store beside the relations, never inside a relation stream:
 * `watches` holds every watch created and deleted (one small stream, read whole at start-up), and
 * `watch-<id>` holds what happened to one watch — alerts raised and cleared, each webhook
 * delivery attempt. The read model and GET /events keep only `relation-…` streams, so these never
 * reach a relation's score or the public log.
 */
export const WATCH_REGISTRY_STREAM = 'watches';
export const WATCH_STREAM_PREFIX = 'watch-';

export function watchStreamId(watchId: string): string {
  return `${WATCH_STREAM_PREFIX}${watchId}`;
}

export interface WatchCreated {
  type: 'WatchCreated';
  data: {
    watchId: string;
    name: string;
    /** Pair keys, e.g. AZE-FRA (codes in alphabetical order). */
    pairs: string[];
    countries: string[];
    rule: WatchRule;
    webhookUrl: string | null;
    /** HMAC key of the webhook signatures: kept here so deliveries resume after a restart; never served again. */
    secret: string | null;
    createdAt: string;
    createdBy: string;
  };
}

export interface WatchDeleted {
  type: 'WatchDeleted';
  data: { watchId: string; deletedAt: string; deletedBy: string };
}

export type RegistryEvent = WatchCreated | WatchDeleted;

/**
 * The log position of the read model a judgement was made on (null: an empty log). An instance
 * whose read model is behind the last judgement recorded for a watch does not judge it: it would
 * clear, on old news, an alert another instance raised on fresh news.
 */
export interface JudgedOn {
  basedOn: string | null;
}

/** An alert: a watched pair began to meet the watch's rule. */
export interface AlertRaised {
  type: 'AlertRaised';
  data: Alert & JudgedOn;
}

/** The pair no longer meets the rule: the next time it does is a new alert. */
export interface AlertCleared {
  type: 'AlertCleared';
  data: { watchId: string; pair: string; clearedAt: string } & JudgedOn;
}

export interface WebhookDeliveryAttempted {
  type: 'WebhookDeliveryAttempted';
  data: DeliveryAttempt;
}

export type WatchStreamEvent = AlertRaised | AlertCleared | WebhookDeliveryAttempted;

export interface Alert {
  /** Idempotency id: the same alert delivered twice carries the same id. */
  alertId: string;
  watchId: string;
  watchName: string;
  pair: string;
  rule: WatchRule;
  /** What the rule saw, e.g. "crisis" or "2024-05": the same signature twice is one alert. */
  signature: string;
  raisedAt: string;
  score: number;
  level: string;
  /** An analyst's sentence: "Azerbaijan–France reached crisis (score 61.2)". */
  message: string;
}

export type DeliveryOutcome = 'delivered' | 'failed' | 'gave_up';

export interface DeliveryAttempt {
  alertId: string;
  attempt: number;
  at: string;
  outcome: DeliveryOutcome;
  /** The receiver's HTTP status, when it answered. */
  status: number | null;
  /** Why it failed, in a line (no stack). */
  error: string | null;
  /** When the next attempt is due, for a failed one. */
  nextAttemptAt: string | null;
}

/** Event data as the port stores it: plain JSON. */
export function asJson(data: object): JsonObject {
  return JSON.parse(JSON.stringify(data)) as JsonObject;
}
