import type { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'warn' | 'error';

interface Seen {
  until: number;
  suppressed: number;
}

/**
 * Logs a message once per window and counts its repeats, so that what clients can trigger at will
 * (aborted connections, a failing request sent in a loop) cannot flood the log. The next time the
 * message is logged after its window, it says how many were left out.
 */
export class ThrottledLogger {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly logger: Pick<LoggerService, 'warn' | 'error'> & Partial<Pick<LoggerService, 'debug'>>,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
    /** Distinct messages remembered at once; beyond that the oldest windows are forgotten. */
    private readonly capacity = 1_000,
  ) {}

  debug(message: string): void {
    this.log('debug', message);
  }

  warn(message: string): void {
    this.log('warn', message);
  }

  /** `detail` (e.g. a stack, which starts with the message) is written instead of `message`; repeats are counted by `message`. */
  error(message: string, detail?: string): void {
    this.log('error', message, detail);
  }

  private log(level: Level, message: string, detail?: string): void {
    const key = `${level}|${message}`;
    const now = this.now();
    const seen = this.seen.get(key);
    if (seen && now < seen.until) {
      seen.suppressed++;
      return;
    }
    const repeats = seen?.suppressed ? ` (${seen.suppressed} more like this in the previous ${Math.round(this.windowMs / 1000)} s not logged)` : '';
    this.seen.delete(key);
    if (this.seen.size >= this.capacity) this.seen.delete(this.seen.keys().next().value!);
    this.seen.set(key, { until: now + this.windowMs, suppressed: 0 });
    const line = (detail ?? message) + repeats;
    if (level === 'debug') this.logger.debug?.(line);
    else this.logger[level](line);
  }
}
