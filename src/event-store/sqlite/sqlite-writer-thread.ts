import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { serveCalls, WorkerCalls } from '../../threads/worker-calls.js';
import {
  durabilitySettings,
  openConnection,
  SqliteBatchWriter,
  type AppendRequest,
  type CommittedBatch,
  type DurabilitySettings,
} from './sqlite-batch-writer.js';

/**
 * A SqliteBatchWriter on a thread of its own. A commit blocks its thread for the whole
 * transaction, fsync included (about a millisecond per batch, whatever its size); on the writer
 * thread that time no longer stops the event loop from serving requests, which it spends on
 * gathering the next batch instead. The connection is opened like every other connection of the
 * store (WAL, synchronous = FULL), and a batch's appends resolve only once the writer thread has
 * committed it: what an append promises is unchanged.
 *
 * This module is also the thread's entry point: the worker loads this very file.
 */

const ROLE = 'demarche-sqlite-writer';

/**
 * The writer's young generation, in MB (a worker's default here is 48). Nothing the writer
 * allocates outlives its batch: the decoded texts and bound values are garbage once committed, so
 * a small young generation only collects sooner, and its pages are not held. A 1M-row import
 * peaked 15–25 MB lower with it (docs/importing.md, fourteenth pass), at the same speed.
 */
const WRITER_YOUNG_GENERATION_MB = 4;

interface WriterData {
  role: typeof ROLE;
  file: string;
  busyTimeoutMs: number;
}

/**
 * A batch as parallel arrays of strings and numbers, and the events' JSON as two long texts: the
 * structured clone behind postMessage copies those at about half the cost of as many small
 * objects, and a long text at a fraction of the cost of thousands of short ones (a 1M-row import
 * posts 557k events' data; cloning them one string each was ≈ 170 ms of its main thread and as
 * many strings built again on the writer's).
 */
interface EncodedBatch {
  streamIds: string[];
  expectedRevisions: AppendRequest['expectedRevision'][];
  /** Events per append; the event columns hold them one append after another. */
  counts: number[];
  eventIds: string[];
  types: string[];
  /** The events' data JSON, one after another, in pieces of whole texts; `textLengths` says where each ends. */
  data: string[];
  /** The events' metadata JSON, likewise. */
  metadata: string[];
  /** Per event, the length of its data then of its metadata. */
  textLengths: Int32Array;
}

/**
 * Texts are joined into pieces of about this many characters: under V8's large-object size
 * (128 KiB), so a piece is young garbage like the texts it joins. One piece per batch (3 MB at
 * 10,000 imported rows) went to the large-object space, freed only by full collections, and the
 * import's peak RSS rose by ≈ 35 MB.
 */
const PIECE_CHARS = 32 * 1024;

interface CommitRequest {
  id: number;
  batch: EncodedBatch;
}

/** Sent once, besides the replies, when the thread has opened its connection. */
interface Ready {
  ready: DurabilitySettings;
}

export class SqliteWriterThread {
  /** A worker thread runs JavaScript files only; from TypeScript sources (e.g. under jest) the writer runs inline. */
  static readonly available = import.meta.url.endsWith('.js');

  private readonly calls: WorkerCalls;
  private settings: DurabilitySettings | undefined;

  /** `entry`: the compiled file of this module to run on the thread (default: this one). */
  constructor(file: string, busyTimeoutMs: number, entry = new URL(import.meta.url)) {
    const worker = new Worker(entry, { workerData: { role: ROLE, file, busyTimeoutMs } satisfies WriterData, resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB } });
    this.calls = new WorkerCalls(worker, {
      name: 'the SQLite writer thread',
      failure: ({ message, code }) => (code ? new Database.SqliteError(message, code) : new Error(message)),
      unanswered: (reason) => `The SQLite writer thread stopped before answering (${reason.message}); these appends may or may not have been committed`,
      onOther: (message) => {
        this.settings = (message as Ready).ready;
      },
    });
  }

  /** The writer connection's settings, once the thread has opened it. */
  get durability(): DurabilitySettings | undefined {
    return this.settings;
  }

  get alive(): boolean {
    return this.calls.alive;
  }

  commit(batch: AppendRequest[]): Promise<CommittedBatch> {
    return this.calls.call({ batch: encode(batch) }) as Promise<CommittedBatch>;
  }

  /** Closes the connection once the batches sent so far are answered, and waits for the thread to end. */
  close(): Promise<void> {
    return this.calls.close();
  }

  /** Ends the thread at once, batches in flight unanswered: what a crash of the thread looks like. */
  terminate(): Promise<void> {
    return this.calls.terminate();
  }
}

function encode(batch: AppendRequest[]): EncodedBatch {
  const streamIds: string[] = [];
  const expectedRevisions: EncodedBatch['expectedRevisions'] = [];
  const counts: number[] = [];
  const eventIds: string[] = [];
  const types: string[] = [];
  const data: string[] = [];
  const metadata: string[] = [];
  for (const { streamId, expectedRevision, events } of batch) {
    streamIds.push(streamId);
    expectedRevisions.push(expectedRevision);
    counts.push(events.length);
    for (const event of events) {
      eventIds.push(event.eventId);
      types.push(event.type);
      data.push(event.data);
      metadata.push(event.metadata);
    }
  }
  const textLengths = new Int32Array(data.length * 2);
  data.forEach((text, i) => {
    textLengths[2 * i] = text.length;
    textLengths[2 * i + 1] = metadata[i].length;
  });
  return { streamIds, expectedRevisions, counts, eventIds, types, data: inPieces(data), metadata: inPieces(metadata), textLengths };
}

/** The texts joined, in order, into pieces of about PIECE_CHARS; a text is never cut. */
function inPieces(texts: string[]): string[] {
  const pieces: string[] = [];
  let from = 0;
  let chars = 0;
  texts.forEach((text, i) => {
    chars += text.length;
    if (chars < PIECE_CHARS && i < texts.length - 1) return;
    pieces.push(texts.slice(from, i + 1).join(''));
    from = i + 1;
    chars = 0;
  });
  return pieces;
}

/** Reads the texts back out of their pieces, one after another. */
class PieceReader {
  private piece = 0;
  private at = 0;

  constructor(private readonly pieces: string[]) {}

  next(length: number): string {
    while (this.at === this.pieces[this.piece].length && length > 0) {
      this.piece++;
      this.at = 0;
    }
    return this.pieces[this.piece].slice(this.at, (this.at += length));
  }
}

function decode(encoded: EncodedBatch): AppendRequest[] {
  let next = 0;
  const data = new PieceReader(encoded.data);
  const metadata = new PieceReader(encoded.metadata);
  return encoded.streamIds.map((streamId, i) => {
    const events = [];
    for (const end = next + encoded.counts[i]; next < end; next++) {
      events.push({
        eventId: encoded.eventIds[next],
        type: encoded.types[next],
        data: data.next(encoded.textLengths[2 * next]),
        metadata: metadata.next(encoded.textLengths[2 * next + 1]),
      });
    }
    return { streamId, expectedRevision: encoded.expectedRevisions[i], events };
  });
}

/** The thread's side: one connection, one batch at a time, in the order they were sent. */
function serve({ file, busyTimeoutMs }: WriterData): void {
  const db = openConnection(file, busyTimeoutMs);
  const writer = new SqliteBatchWriter(db);
  parentPort!.postMessage({ ready: durabilitySettings(db) } satisfies Ready);
  serveCalls<CommitRequest>(
    (request) => writer.commit(decode(request.batch)),
    () => db.close(),
  );
}

if (!isMainThread && (workerData as Partial<WriterData> | null)?.role === ROLE) serve(workerData as WriterData);
