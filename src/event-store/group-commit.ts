import { EventIdConflictError, WrongExpectedRevisionError, type AppendResult, type ExpectedRevision, type NewEvent, type StoredEvent } from './event-store.port.js';

/** An event as a store writes it: data and metadata already JSON. */
export interface SerialisedEvent {
  eventId: string;
  type: string;
  data: string;
  metadata: string;
}

export interface AppendRequest {
  streamId: string;
  events: SerialisedEvent[];
  expectedRevision: ExpectedRevision;
}

/** What one transaction made of a batch of appends; `Outcome` is the store's own record of each. */
export interface CommittedBatch<Outcome> {
  /** The log's last position before the batch: nothing lies between it and the batch's first event. */
  before: number;
  outcomes: Outcome[];
  /** Wall-clock time spent in the transaction (its fsync included). */
  micros: number;
}

/** The port's answer to one append: its result, or the error the store reports for it. */
export type AppendAnswer = { result: AppendResult } | { error: Error };

/** How one append of a batch was decided, with its events as stored; refusals are data until answered. */
export type DecidedAppend =
  | { kind: 'written'; events: StoredEvent[] }
  /** Every event id was recorded before, by this same append: the events as first recorded. */
  | { kind: 'recorded-before'; events: StoredEvent[] }
  | { kind: 'wrong-revision'; actual: number | 'no_stream' }
  | { kind: 'event-id-conflict'; eventIds: string[]; reason: string };

/** The port's answer to one decided append. */
export function answerAppend(request: AppendRequest, outcome: DecidedAppend): AppendAnswer {
  const { streamId } = request;
  switch (outcome.kind) {
    case 'written':
    case 'recorded-before': {
      const { events } = outcome;
      const last = events[events.length - 1];
      return { result: { streamId, events, nextExpectedRevision: last.revision, position: last.position, deduplicated: outcome.kind === 'recorded-before' } };
    }
    case 'wrong-revision':
      return { error: new WrongExpectedRevisionError(streamId, request.expectedRevision, outcome.actual) };
    case 'event-id-conflict':
      return { error: new EventIdConflictError(streamId, outcome.eventIds, outcome.reason) };
  }
}

export interface GroupCommitStore<Outcome> {
  /** Commits one batch in one transaction: synchronously (an inline writer) or not (a thread, a server). */
  commit(batch: AppendRequest[]): CommittedBatch<Outcome> | Promise<CommittedBatch<Outcome>>;
  /** The port's answer to an append from its outcome. */
  answer(request: AppendRequest, outcome: Outcome): AppendAnswer;
  /** Events this process just committed, handed to its subscriptions before the appends resolve. */
  offer(before: number, events: StoredEvent[]): void;
}

/** Refuses an append no store could record (a caller bug), before anything is written. */
export function validateAppend(events: NewEvent[], expectedRevision: ExpectedRevision): void {
  if (events.length === 0) throw new TypeError('append needs at least one event');
  if (events.length > 1 && new Set(events.map((event) => event.eventId)).size !== events.length) {
    throw new TypeError('append got the same event id twice');
  }
  if (typeof expectedRevision === 'number' && !(Number.isSafeInteger(expectedRevision) && expectedRevision >= 0)) {
    throw new TypeError(`invalid expected revision ${expectedRevision}`);
  }
}

interface PendingAppend {
  request: AppendRequest;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit, the same for every store that owns its transactions (SQLite, PostgreSQL): the
 * appends issued while a batch commits (or before the next turn of the event loop) share the next
 * transaction, so the cost of a durable commit is paid once per batch, while each append still
 * succeeds or fails on its own. An append resolves only once its batch has committed.
 */
export class GroupCommit<Outcome> {
  private pending: PendingAppend[] = [];
  private scheduledFlush: NodeJS.Immediate | undefined;
  private inFlight: Promise<void> | undefined;
  /** Number of batch transactions committed; shows that group commit batches. */
  transactions = 0;
  /** Wall-clock time spent in batch transactions. */
  micros = 0;

  constructor(private readonly store: GroupCommitStore<Outcome>) {}

  append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      validateAppend(events, expectedRevision);
      this.pending.push({ request: { streamId, events: serialised(events), expectedRevision }, resolve, reject });
      if (!this.inFlight) this.scheduledFlush ??= setImmediate(() => this.flush());
    });
  }

  /** Sends what is pending and resolves once no batch is committing. */
  async drain(): Promise<void> {
    clearImmediate(this.scheduledFlush);
    this.flush();
    while (this.inFlight) await this.inFlight;
  }

  /** Sends the appends gathered so far as one batch, unless a batch is committing: they go when it is done. */
  private flush(): void {
    this.scheduledFlush = undefined;
    if (this.inFlight || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let sent: CommittedBatch<Outcome> | Promise<CommittedBatch<Outcome>>;
    try {
      sent = this.store.commit(batch.map((append) => append.request));
    } catch (error) {
      for (const append of batch) append.reject(error);
      return;
    }
    if (!(sent instanceof Promise)) return this.settle(batch, sent);
    this.inFlight = sent.then(
      (committed) => {
        this.inFlight = undefined;
        // The next batch goes first, so that it commits while this one is answered.
        this.flush();
        this.settle(batch, committed);
      },
      (error: unknown) => {
        this.inFlight = undefined;
        this.flush();
        for (const append of batch) append.reject(error);
      },
    );
  }

  /** Answers the appends of a committed batch, after handing its new events to this process's subscriptions. */
  private settle(batch: PendingAppend[], committed: CommittedBatch<Outcome>): void {
    this.transactions++;
    this.micros += committed.micros;
    const answers = batch.map((append, i) => this.store.answer(append.request, committed.outcomes[i]));
    const fresh: StoredEvent[] = [];
    for (const answered of answers) {
      if ('result' in answered && !answered.result.deduplicated) for (const event of answered.result.events) fresh.push(event);
    }
    // Before the appends resolve, so that whoever awaited one finds it delivered to a subscriber
    // that handles events synchronously (the read model).
    if (fresh.length > 0) this.store.offer(committed.before, fresh);
    batch.forEach((append, i) => {
      const answered = answers[i];
      if ('result' in answered) append.resolve(answered.result);
      else append.reject(answered.error);
    });
  }
}

/**
 * The append's events as JSON. Events of one append often share one metadata object (an import's
 * batch does, for a pair's thousands of rows); it is written out once. The events are read now,
 * synchronously, so a caller changing that object afterwards changes nothing here.
 */
function serialised(events: NewEvent[]): SerialisedEvent[] {
  let lastMetadata: NewEvent['metadata'] | null = null;
  let lastMetadataJson = '';
  return events.map((event) => {
    if (event.metadata !== lastMetadata) {
      lastMetadata = event.metadata;
      lastMetadataJson = JSON.stringify(event.metadata ?? {});
    }
    return { eventId: event.eventId, type: event.type, data: JSON.stringify(event.data), metadata: lastMetadataJson };
  });
}
