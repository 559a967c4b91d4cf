import type { AllStreamResolvedEvent, Position } from '@eventstore/db-client';
import type { SubscribeOptions, Subscription } from '../event-store.port.js';
import { comparePositionValues } from './eventstoredb-position.js';
import { classifyRecorded, type SkippedRecordLog } from './eventstoredb-recorded-event.js';

/** What this needs of the client's subscription (a Node Transform stream with `unsubscribe`). */
export interface AllFeed extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<unknown>;
  destroy(): unknown;
}

export interface FeedDelivery extends Pick<SubscribeOptions, 'onEvent' | 'onError'> {
  /** Events at or before this position are not delivered again. */
  after: Position | null;
  isApplicationStream(streamId: string): boolean;
  skipped: SkippedRecordLog;
  /** Called once delivery has stopped, for whatever reason. */
  onStopped?(): void;
}

/**
 * Delivers the client's subscription to the port's subscriber, and tells it when delivery stops.
 *
 * The client reports a dropped connection as one error and then nothing; a subscription the
 * server ends cleanly (or one cancelled under us when the client swaps its channel, whose error
 * the client swallows) just ends its stream. Either way nothing more will come, so `onError`
 * is called — exactly once, and never after `close()` — and the subscriber resubscribes from
 * its checkpoint. Records that are not this application's are skipped and counted, not fatal.
 */
export function deliverFeed(feed: AllFeed, { after, onEvent, onError, isApplicationStream, skipped, onStopped }: FeedDelivery): Subscription {
  let closing = false;
  let stopped = false;
  const stop = (error: unknown) => {
    if (closing || stopped) return;
    stopped = true;
    onError?.(error);
  };

  const delivery = (async () => {
    try {
      for await (const { event: recorded } of feed) {
        if (closing) break;
        const classified = classifyRecorded(recorded, isApplicationStream);
        if ('skipped' in classified) {
          skipped.note(classified.skipped, recorded);
          continue;
        }
        // Never redeliver the checkpoint the caller resumed from, whichever way the server treats it.
        if (after !== null && comparePositionValues(recorded!.position!, after) <= 0) continue;
        await onEvent(classified.event);
      }
      stop(new Error('EventStoreDB ended the subscription to $all'));
    } catch (error) {
      stop(error);
    } finally {
      skipped.flush();
      await feed.unsubscribe().catch(() => undefined);
      onStopped?.();
    }
  })();

  return {
    close: async () => {
      closing = true;
      await feed.unsubscribe().catch(() => undefined);
      // Cancelling the gRPC call does not end the piped client stream; destroying it ends our loop.
      feed.destroy();
      await delivery;
    },
  };
}
