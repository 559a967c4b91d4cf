import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { serveCalls, WorkerCalls } from '../threads/worker-calls.js';
import { IncidentTextIndex, type IndexChange, type SearchCriteria, type SearchHit } from './incident-text-index.js';

/**
 * The incident text index as the search service uses it: every call answered later. In the
 * server it runs on a thread of its own (TextIndexThread): FTS5's inserts were about a seventh of
 * the main thread's time under a stream of appends (bench:append, 5 December 2026), and a search
 * that ranks thousands of matches no longer holds up other requests. From TypeScript sources
 * (jest) a worker cannot load this file, and the same index answers inline (InlineTextIndex).
 */
export interface TextIndex {
  /** Applies the changes in order, in one transaction (all or none); resolves once they are in. */
  apply(changes: readonly IndexChange[]): Promise<void>;
  search(criteria: SearchCriteria): Promise<SearchHit[]>;
  /** The incident reported at `position`, if the index holds it. */
  incidentAt(position: string): Promise<string | undefined>;
  /** False once the index can no longer answer (its thread ended): a new one must be opened. */
  readonly alive: boolean;
  close(): Promise<void>;
}

/** A worker thread runs JavaScript files only: compiled, the index gets a thread; from TypeScript sources it runs inline. */
export function openTextIndex(): TextIndex {
  return TextIndexThread.available ? new TextIndexThread() : new InlineTextIndex();
}

/** The same index on the caller's thread, answering as the thread does: what jest runs. */
export class InlineTextIndex implements TextIndex {
  private readonly index = new IncidentTextIndex();
  private closed = false;

  get alive(): boolean {
    return !this.closed;
  }

  async apply(changes: readonly IndexChange[]): Promise<void> {
    this.index.apply(changes);
  }

  async search(criteria: SearchCriteria): Promise<SearchHit[]> {
    return this.index.search(criteria);
  }

  async incidentAt(position: string): Promise<string | undefined> {
    return this.index.incidentAt(position);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.index.close();
  }
}

const ROLE = 'demarche-text-index';

/**
 * The thread's young generation, in MB (a worker's default here is 48): what it allocates — the
 * changes it is posted, the hits it posts back — is garbage once the call is answered.
 */
const INDEX_YOUNG_GENERATION_MB = 4;

type Call =
  /** The changes as one JSON text: cloned at a fraction of the cost of as many small objects. */
  | { method: 'apply'; args: [string] }
  | { method: 'search'; args: [SearchCriteria] }
  | { method: 'incidentAt'; args: [string] };

export class TextIndexThread implements TextIndex {
  static readonly available = import.meta.url.endsWith('.js');

  private readonly calls: WorkerCalls;

  /** `entry`: the compiled file of this module to run on the thread (default: this one). */
  constructor(entry = new URL(import.meta.url)) {
    const worker = new Worker(entry, { workerData: { role: ROLE }, resourceLimits: { maxYoungGenerationSizeMb: INDEX_YOUNG_GENERATION_MB } });
    this.calls = new WorkerCalls(worker, { name: 'the text index thread' });
  }

  get alive(): boolean {
    return this.calls.alive;
  }

  apply(changes: readonly IndexChange[]): Promise<void> {
    return this.calls.call({ method: 'apply', args: [JSON.stringify(changes)] } satisfies Call) as Promise<void>;
  }

  search(criteria: SearchCriteria): Promise<SearchHit[]> {
    return this.calls.call({ method: 'search', args: [criteria] } satisfies Call) as Promise<SearchHit[]>;
  }

  incidentAt(position: string): Promise<string | undefined> {
    return this.calls.call({ method: 'incidentAt', args: [position] } satisfies Call) as Promise<string | undefined>;
  }

  /** Closes the index once the calls sent so far are answered, and waits for the thread to end. */
  close(): Promise<void> {
    return this.calls.close();
  }

  /** Ends the thread at once, calls in flight unanswered (what a crash of the thread looks like). */
  terminate(): Promise<void> {
    return this.calls.terminate();
  }
}

/** The thread's side: one index, one call at a time, in the order they were sent. */
function serve(): void {
  const index = new IncidentTextIndex();
  serveCalls<{ id: number } & Call>(
    (call) => answer(index, call),
    () => index.close(),
  );
}

function answer(index: IncidentTextIndex, call: Call): unknown {
  switch (call.method) {
    case 'apply':
      return index.apply(JSON.parse(call.args[0]) as IndexChange[]);
    case 'search':
      return index.search(...call.args);
    case 'incidentAt':
      return index.incidentAt(...call.args);
  }
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === ROLE) serve();
