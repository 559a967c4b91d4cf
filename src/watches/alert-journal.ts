import type { Alert } from './watch-events.js';

/**
 * Every alert this instance knows of, in the order it learned them: the order a live client
 * received them in. An alert's SSE id is `<raisedAt>/<alertId>`; a reconnecting client names the
 * last it received and gets exactly those learned after it. The id carries `raisedAt` too, so an
 * id this instance never learned (the client was on another instance, or this one restarted) still
 * resumes, by the order GET /watches/alerts uses (raisedAt, then alertId).
 */
export class AlertJournal {
  private readonly alerts: Alert[] = [];
  private readonly indexById = new Map<string, number>();

  record(alert: Alert): void {
    if (this.indexById.has(alert.alertId)) return;
    this.indexById.set(alert.alertId, this.alerts.length);
    this.alerts.push(alert);
  }

  /** After a start-up read: the past is ordered as GET /watches/alerts orders it, oldest first. */
  sortByRaisedAt(): void {
    this.alerts.sort(compareAlerts);
    this.indexById.clear();
    this.alerts.forEach((alert, index) => this.indexById.set(alert.alertId, index));
  }

  /** The alerts a client that last received `eventId` has missed, oldest first. */
  after(eventId: AlertEventId): Alert[] {
    const index = this.indexById.get(eventId.alertId);
    if (index !== undefined) return this.alerts.slice(index + 1);
    return this.alerts.filter((alert) => compareAlerts(alert, eventId) > 0).sort(compareAlerts);
  }
}

export interface AlertEventId {
  raisedAt: string;
  alertId: string;
}

export function alertEventId(alert: Alert): string {
  return `${alert.raisedAt}/${alert.alertId}`;
}

/** undefined when `value` is not an id this stream hands out. */
export function parseAlertEventId(value: string): AlertEventId | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z)\/([0-9a-f-]{36})$/i.exec(value);
  if (!match || Number.isNaN(Date.parse(match[1]))) return undefined;
  return { raisedAt: new Date(match[1]).toISOString(), alertId: match[2].toLowerCase() };
}

function compareAlerts(x: AlertEventId, y: AlertEventId): number {
  return x.raisedAt.localeCompare(y.raisedAt) || x.alertId.localeCompare(y.alertId);
}
