/**
 * What an EventStoreDB server sends, built from the client's own generated protobuf classes and
 * turned into resolved events by the client's own code (`convertGrpcEvent`, `Subscription`).
 * No server can run on these machines; this is the closest stand-in: only the gRPC call is
 * replaced (by a stream we feed, end or fail the way @grpc/grpc-js does), everything above it
 * is the real client.
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { Metadata, status } from '@grpc/grpc-js';
import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import type { AllFeed } from '../../src/event-store/eventstoredb/eventstoredb-subscription.js';

const require = createRequire(import.meta.url);
const { ReadResp } = require('@eventstore/db-client/generated/streams_pb.js');
const { UUID, StreamIdentifier } = require('@eventstore/db-client/generated/shared_pb.js');
const { convertGrpcEvent } = require('@eventstore/db-client/dist/utils/convertGrpcEvent.js');
const { Subscription } = require('@eventstore/db-client/dist/streams/utils/Subscription.js');

export interface WireRecord {
  streamId: string;
  type?: string;
  revision?: bigint;
  /** Raw bytes of the data as stored; a value is sent as its JSON. */
  data?: unknown;
  rawData?: string;
  contentType?: 'application/json' | 'application/octet-stream';
  metadata?: unknown;
  /** Raw bytes of the metadata as stored, instead of `metadata`. */
  rawMetadata?: string;
  /** Omitted: the fields are left unset, as an older server leaves them. */
  position?: { commit: bigint; prepare: bigint };
  id?: string;
}

/** One `ReadResp` carrying an event, as the server sends it on a read or a subscription. */
export function readResp(record: WireRecord): unknown {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(record.id ?? randomUUID());
  recorded.setId(id);
  const stream = new StreamIdentifier();
  stream.setStreamName(Buffer.from(record.streamId, 'utf8'));
  recorded.setStreamIdentifier(stream);
  recorded.setStreamRevision(String(record.revision ?? 0n));
  if (record.position) {
    recorded.setCommitPosition(String(record.position.commit));
    recorded.setPreparePosition(String(record.position.prepare));
  }
  recorded.getMetadataMap().set('type', record.type ?? 'SomethingHappened');
  recorded.getMetadataMap().set('content-type', record.contentType ?? 'application/json');
  recorded.getMetadataMap().set('created', String(BigInt(Date.UTC(2024, 0, 1)) * 10_000n));
  recorded.setData(Buffer.from(record.rawData ?? JSON.stringify(record.data ?? {}), 'utf8'));
  const metadata = record.rawMetadata ?? (record.metadata === undefined ? undefined : JSON.stringify(record.metadata));
  if (metadata !== undefined) recorded.setCustomMetadata(Buffer.from(metadata, 'utf8'));
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  const response = new ReadResp();
  response.setEvent(event);
  return response;
}

/** The resolved event the client hands out for `record` (what `readAll`/`subscribeToAll` yield). */
export function resolved(record: WireRecord): AllStreamResolvedEvent {
  return convertGrpcEvent((readResp(record) as { getEvent(): unknown }).getEvent());
}

/** A gRPC error as @grpc/grpc-js reports it. */
export function serviceError(code: status, details: string, metadata: Record<string, string> = {}): Error {
  const grpcMetadata = new Metadata();
  for (const [key, value] of Object.entries(metadata)) grpcMetadata.set(key, value);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), { code, details, metadata: grpcMetadata });
}

/**
 * The client's real `Subscription` over a stand-in gRPC call that the test feeds. `end()` and
 * `fail()` finish the call the way @grpc/grpc-js does (it pushes the end of data, then emits
 * the error for a status other than OK).
 */
export function wireSubscription(): { feed: AllFeed; send(record: WireRecord): void; end(): void; fail(error: Error): void; cancelled: () => boolean } {
  const call = Object.assign(new PassThrough({ objectMode: true }), { cancelled: false, cancel() { this.cancelled = true; } });
  const feed = new Subscription(async () => call, convertGrpcEvent, {}, undefined) as AllFeed;
  return {
    feed,
    send: (record) => call.write(readResp(record)),
    end: () => call.end(),
    fail: (error) => {
      call.push(null);
      call.emit('error', error);
    },
    cancelled: () => call.cancelled,
  };
}
