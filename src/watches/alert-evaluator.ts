import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Subscription } from 'rxjs';
import { CLOCK, type Clock } from '../clock.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port.js';
import { countryShortName } from '../domain/countries.js';
import { levelFor, scoreOf } from '../domain/escalation.js';
import { DAY_MS, round } from '../domain/numbers.js';
import { pairKey } from '../domain/relation-pair.js';
import { monthSoFar } from '../projections/queries/months.query.js';
import { ProjectionRunner } from '../projections/projection-runner.js';
import type { Watch } from './watch-book.js';
import { alertMessage, ruleSignature, type PairFigures } from './watch-rules.js';
import { WatchRepository } from './watch-repository.js';
import { WATCHES_OPTIONS, type ResolvedWatchesOptions } from './watches.options.js';
import { WebhookDeliveries } from './webhook-deliveries.js';

/**
 * Raises and clears alerts from the read model: for the pair an update touched as the log
 * advances, and for every watched pair on a timer, since scores decay and a day-old band move
 * expires with no new event. Evaluations run one at a time, in the order asked for, so two never
 * decide on the same watch at once.
 */
@Injectable()
export class AlertEvaluator implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue: Promise<void> = Promise.resolve();
  private updates?: Subscription;
  private registry?: Subscription;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly logger = new Logger(AlertEvaluator.name);

  constructor(
    private readonly projections: ProjectionRunner,
    private readonly repository: WatchRepository,
    private readonly deliveries: WebhookDeliveries,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(WATCHES_OPTIONS) private readonly options: ResolvedWatchesOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.repository.load();
    this.deliveries.resumePending();
    this.followUpdatesWhileWatched();
    this.registry = this.repository.registryChanged$.subscribe(() => this.followUpdatesWhileWatched());
    // Each tick also reads watches other instances sharing the store created or deleted.
    this.timer = setInterval(() => this.enqueue(() => this.repository.refresh().then(() => this.evaluateAll())), this.options.evaluateEveryMs);
    this.timer.unref();
    // What changed while the process was down (decay included) is judged at once.
    await this.enqueue(() => this.evaluateAll());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.registry?.unsubscribe();
    this.updates?.unsubscribe();
    clearInterval(this.timer);
    await this.queue;
  }

  /** Evaluates one watch over all its pairs now (a new watch learns at once what already holds). */
  evaluateWatch(watch: Watch): Promise<void> {
    return this.enqueue(() => this.evaluate(watch, this.pairsOf(watch)));
  }

  /**
   * Listens to the read model's updates only while there is a watch: with none (most runs, the
   * benchmarks) the runner's update stream stays unobserved, as the live feed leaves it.
   */
  private followUpdatesWhileWatched(): void {
    if (this.repository.isEmpty) {
      this.updates?.unsubscribe();
      this.updates = undefined;
    } else {
      this.updates ??= this.projections.updates$.subscribe((update) => void this.enqueue(() => this.evaluatePair(update.pairKey)));
    }
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(() => (this.stopped ? undefined : task()));
    this.queue = run.catch((error: unknown) => this.logger.error(`Watch evaluation failed: ${error instanceof Error ? error.message : String(error)}`));
    return this.queue;
  }

  private async evaluateAll(): Promise<void> {
    for (const watch of this.repository.list()) await this.evaluate(watch, this.pairsOf(watch));
  }

  private async evaluatePair(key: string): Promise<void> {
    const [a, b] = key.split('-');
    for (const watch of this.repository.list()) {
      if (watch.pairs.includes(key) || watch.countries.includes(a) || watch.countries.includes(b)) await this.evaluate(watch, [key]);
    }
  }

  /** The pair keys a watch covers: those it names, and every pair held with a country it names. */
  private pairsOf(watch: Watch): string[] {
    const keys = new Set(watch.pairs);
    for (const country of watch.countries) for (const [a, b] of this.projections.readModel.pairs(country)) keys.add(pairKey(a, b));
    return [...keys];
  }

  private async evaluate(watch: Watch, keys: readonly string[]): Promise<void> {
    // What other instances recorded for this watch first: an alert raised there is not raised again here.
    await this.repository.catchUp(watch.watchId);
    // Judged on news this read model has not applied yet: wait for it (its update brings the watch back here).
    const basedOn = this.projections.position;
    const lastJudged = this.repository.history(watch.watchId)?.basedOn ?? null;
    if (lastJudged !== null && (basedOn === null || this.store.comparePositions(basedOn, lastJudged) < 0)) return;
    const nowMs = this.clock.now().getTime();
    for (const key of keys) {
      const history = this.repository.history(watch.watchId);
      if (!history || this.stopped) return;
      const figures = this.figuresOf(key, nowMs);
      const signature = figures ? ruleSignature(watch.rule, figures) : null;
      const previous = history.signatures.get(key);
      if (signature === null) {
        if (previous !== undefined) await this.repository.clear(watch.watchId, key, new Date(nowMs).toISOString(), basedOn);
        continue;
      }
      if (signature === previous || !figures) continue;
      const episode = (history.raisedPerPair.get(key) ?? 0) + 1;
      const alert = {
        alertId: alertIdOf(watch.watchId, key, episode),
        watchId: watch.watchId,
        watchName: watch.name,
        pair: key,
        rule: watch.rule,
        signature,
        raisedAt: new Date(nowMs).toISOString(),
        score: figures.score,
        level: figures.level,
        message: alertMessage(watch.rule, pairName(key), figures),
      };
      // Not recorded means another instance wrote first: this one has caught up, and its next evaluation judges on that.
      if ((await this.repository.raise(alert, basedOn)) && watch.webhookUrl) this.deliveries.deliver(alert);
    }
  }

  /** What the rules read of a pair now; undefined for a pair with no incidents. */
  private figuresOf(key: string, nowMs: number): PairFigures | undefined {
    const [a, b] = key.split('-');
    const readModel = this.projections.readModel;
    const pair = readModel.pairIndex(a, b);
    if (!pair || pair.index.size === 0) return undefined;
    const score = round(scoreOf(pair.index.pressureAt(nowMs)));
    const month = monthSoFar(readModel, a, b, { atMs: nowMs, atIso: new Date(nowMs).toISOString() });
    return {
      score,
      level: levelFor(score),
      levelADayEarlier: levelFor(round(scoreOf(pair.index.pressureAt(nowMs - DAY_MS)))),
      month: new Date(nowMs).toISOString().slice(0, 7),
      monthJudgement: month?.judgement ?? 'unchanged',
    };
  }
}

function pairName(key: string): string {
  return key.split('-').map(countryShortName).join('–');
}

/** A UUID (version 8, name-based) from the watch, the pair and the episode: the same alert has the same id on every instance. */
export function alertIdOf(watchId: string, pair: string, episode: number): string {
  const hex = createHash('sha256').update(`${watchId}|${pair}|${episode}`).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
