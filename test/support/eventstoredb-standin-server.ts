/**
 * A stand-in for an EventStoreDB node, for the adapter's tests on machines where no server can
 * run: a real gRPC server (@grpc/grpc-js) speaking the client's own protocol definitions, so
 * the real EventStoreDBClient and the real adapter talk to it over a loopback socket. It keeps
 * an in-memory log and answers the calls the adapter makes — reads of a stream and of $all, and
 * plain appends, deduplicated by the server's rule (an append whose expected revision is behind
 * the stream is a duplicate when the events after that revision carry the same ids; with `any`,
 * when its ids are already in the stream), and catch-up subscriptions to $all (optionally
 * filtered on stream prefixes), kept open until the client cancels. It has no server features
 * service, so the client uses plain appends, as with a server before 21.10.
 *
 * It records every append attempt, and tests inject faults: answer an attempt with a gRPC error
 * (before or after writing it), or hide the newest events from stream reads for a while, as a
 * follower that has not caught up would.
 */
import { createRequire } from 'node:module';
import { Server, ServerCredentials, status, type sendUnaryData, type ServerReadableStream, type ServerWritableStream } from '@grpc/grpc-js';
import { readResp, serviceError, type WireRecord } from './eventstoredb-wire.js';

const require = createRequire(import.meta.url);
const { StreamsService } = require('@eventstore/db-client/generated/streams_grpc_pb.js');
const { ReadResp, AppendResp } = require('@eventstore/db-client/generated/streams_pb.js');
const { Empty, StreamIdentifier } = require('@eventstore/db-client/generated/shared_pb.js');

interface LoggedRecord extends Required<Pick<WireRecord, 'id' | 'streamId' | 'type' | 'revision' | 'rawData' | 'position'>> {
  metadata?: unknown;
  rawMetadata?: string;
}

export interface AppendAttempt {
  streamId: string;
  /** 'no_stream', 'any', 'stream_exists' or the revision, as sent. */
  expected: string;
  eventIds: string[];
}

/** What to do with an append attempt: `undefined` handles it normally. */
export type AppendFault = { fail: Error; after: 'writing' | 'nothing' } | undefined;

export class StandInEventStoreDb {
  readonly log: LoggedRecord[] = [];
  readonly attempts: AppendAttempt[] = [];
  /** Decides the fate of the n-th append attempt (0-based). */
  appendFault: (attempt: number) => AppendFault = () => undefined;
  /** Stream reads see the log without its last `hiddenFromStreamReads` records (a lagging follower). */
  hiddenFromStreamReads = 0;
  streamReads = 0;
  private readonly subscribers = new Set<(record: LoggedRecord) => void>();
  private readonly subscriptionCalls = new Set<ServerWritableStream<any, unknown>>();
  private readonly server = new Server();
  private port = 0;

  get connectionString(): string {
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  async start(): Promise<this> {
    this.server.addService(StreamsService, {
      read: (call: ServerWritableStream<any, unknown>) => this.read(call),
      append: (call: ServerReadableStream<any, unknown>, callback: sendUnaryData<unknown>) => this.append(call, callback),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    return this;
  }

  stop(): Promise<void> {
    this.server.forceShutdown();
    return Promise.resolve();
  }

  /** Records written by someone else (the server itself, another application). */
  write(record: Omit<WireRecord, 'position' | 'revision'>): LoggedRecord {
    const revision = BigInt(this.log.filter((r) => r.streamId === record.streamId).length);
    const position = BigInt(1_000 + this.log.length * 100);
    const logged: LoggedRecord = {
      id: record.id ?? crypto.randomUUID(),
      streamId: record.streamId,
      type: record.type ?? 'SomethingHappened',
      revision,
      rawData: record.rawData ?? JSON.stringify(record.data ?? {}),
      position: { commit: position, prepare: position },
      ...(record.metadata !== undefined ? { metadata: record.metadata } : {}),
      ...(record.rawMetadata !== undefined ? { rawMetadata: record.rawMetadata } : {}),
    };
    this.log.push(logged);
    for (const subscriber of this.subscribers) subscriber(logged);
    return logged;
  }

  private read(call: ServerWritableStream<any, unknown>): void {
    const options = call.request.getOptions();
    const count = Number(options.getCount());
    const backwards = options.getReadDirection() === 1;
    let records: LoggedRecord[];
    if (options.hasStream()) {
      this.streamReads++;
      const stream = options.getStream();
      const name = Buffer.from(stream.getStreamIdentifier().getStreamName()).toString('utf8');
      const visible = this.log.slice(0, this.log.length - this.hiddenFromStreamReads).filter((r) => r.streamId === name);
      if (visible.length === 0) {
        const notFound = new ReadResp.StreamNotFound();
        const identifier = new StreamIdentifier();
        identifier.setStreamName(Buffer.from(name, 'utf8'));
        notFound.setStreamIdentifier(identifier);
        const response = new ReadResp();
        response.setStreamNotFound(notFound);
        call.write(response);
        call.end();
        return;
      }
      if (backwards) records = visible.slice().reverse();
      else records = stream.hasRevision() ? visible.filter((r) => r.revision >= BigInt(stream.getRevision())) : visible;
    } else {
      const all = options.getAll();
      const from = all.hasPosition() ? BigInt(all.getPosition().getCommitPosition()) : all.hasEnd() ? BigInt(Number.MAX_SAFE_INTEGER) : 0n;
      records = this.log.filter((r) => r.position.commit >= from);
      if (options.hasSubscription()) return this.subscribe(call, records, options);
    }
    for (const record of records.slice(0, count)) call.write(readResp(record));
    call.end();
  }

  private subscribe(call: ServerWritableStream<any, unknown>, history: LoggedRecord[], options: any): void {
    const prefixes: string[] | undefined = options.hasFilter() ? options.getFilter().getStreamIdentifier()?.getPrefixList() : undefined;
    const send = (record: LoggedRecord) => {
      if (prefixes === undefined || prefixes.some((prefix) => record.streamId.startsWith(prefix))) call.write(readResp(record));
    };
    for (const record of history) send(record);
    this.subscribers.add(send);
    this.subscriptionCalls.add(call);
    call.on('cancelled', () => {
      this.subscribers.delete(send);
      this.subscriptionCalls.delete(call);
    });
  }

  /** Ends every open subscription with status OK, as a server may (the client reports nothing). */
  endSubscriptions(): void {
    for (const call of this.subscriptionCalls) call.end();
    this.subscriptionCalls.clear();
    this.subscribers.clear();
  }

  get openSubscriptions(): number {
    return this.subscriptionCalls.size;
  }

  private append(call: ServerReadableStream<any, unknown>, callback: sendUnaryData<unknown>): void {
    let streamId = '';
    let expected = '';
    const proposed: Omit<WireRecord, 'position' | 'revision'>[] = [];
    call.on('data', (request) => {
      if (request.hasOptions()) {
        const options = request.getOptions();
        streamId = Buffer.from(options.getStreamIdentifier().getStreamName()).toString('utf8');
        expected = options.hasRevision() ? options.getRevision() : options.hasNoStream() ? 'no_stream' : options.hasAny() ? 'any' : 'stream_exists';
        return;
      }
      const message = request.getProposedMessage();
      proposed.push({
        id: message.getId().getString(),
        streamId,
        type: message.getMetadataMap().get('type'),
        rawData: Buffer.from(message.getData_asU8()).toString('utf8'),
        rawMetadata: Buffer.from(message.getCustomMetadata_asU8()).toString('utf8'),
      });
    });
    call.on('end', () => {
      const attempt = this.attempts.push({ streamId, expected, eventIds: proposed.map((p) => p.id!) }) - 1;
      const fault = this.appendFault(attempt);
      if (fault?.after === 'nothing') return callback(fault.fail as never, null);
      const response = this.decide(streamId, expected, proposed);
      if (fault?.after === 'writing') return callback(fault.fail as never, null);
      callback(null, response);
    });
  }

  /** The server's rule (IndexWriter.CheckCommit), for numeric and no_stream expectations. */
  private decide(streamId: string, expected: string, proposed: Omit<WireRecord, 'position' | 'revision'>[]): unknown {
    const stream = this.log.filter((r) => r.streamId === streamId);
    const current = stream.length - 1;
    const known = stream.findIndex((r) => r.id === proposed[0]!.id);
    const expectedRevision = expected === 'no_stream' ? -1 : expected === 'any' ? (known >= 0 ? known - 1 : current) : Number(expected);
    let written: LoggedRecord[];
    if (expectedRevision === current) {
      written = proposed.map((p) => this.write(p));
    } else if (expectedRevision < current && stream[expectedRevision + 1]?.id === proposed[0]!.id &&
      proposed.every((p, i) => stream[expectedRevision + 1 + i]?.id === p.id)) {
      written = stream.slice(expectedRevision + 1, expectedRevision + 1 + proposed.length);
    } else {
      const wrong = new AppendResp.WrongExpectedVersion();
      if (current < 0) wrong.setCurrentNoStream(new Empty());
      else wrong.setCurrentRevision(String(current));
      const response = new AppendResp();
      response.setWrongExpectedVersion(wrong);
      return response;
    }
    const last = written[written.length - 1]!;
    const position = new AppendResp.Position();
    position.setCommitPosition(String(last.position.commit));
    position.setPreparePosition(String(last.position.prepare));
    const success = new AppendResp.Success();
    success.setCurrentRevision(String(last.revision));
    success.setPosition(position);
    const response = new AppendResp();
    response.setSuccess(success);
    return response;
  }
}

export const unavailable = () => serviceError(status.UNAVAILABLE, 'Server Is Not Ready');
/** "I am not the leader; it is there": here the leader is this same stand-in. */
export const notLeader = (server: StandInEventStoreDb) =>
  serviceError(status.NOT_FOUND, 'Leader info available', {
    exception: 'not-leader', 'leader-endpoint-host': '127.0.0.1', 'leader-endpoint-port': String(new URL(server.connectionString.replace('esdb', 'http')).port),
  });
export const commitTimedOut = () => serviceError(status.ABORTED, 'Operation timed out');
