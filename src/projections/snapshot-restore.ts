import type { EventStore, StoredEvent } from '../event-store/event-store.port.js';
import { inconsistencyOf } from './read-model-parts-check.js';
import { readSnapshot, UnusableSnapshotError, type LogIdentity, type SnapshotHeader } from './read-model-snapshot.js';
import type { ReadModelParts } from './incident-rows.js';
import type { LogAddress } from './log-address.js';
import { READ_MODEL_VERSION } from './relations.projection.js';
import type { RelationsReadModel } from './relations.read-model.js';

/**
 * The read model persisted in `file`, once every check has passed: the bytes are whole and
 * undamaged, the code version is this one, the log is the one it was built from and still holds
 * its checkpoint event, and the parts are consistent. Undefined when there is no snapshot; throws
 * UnusableSnapshotError saying why otherwise. The model is built fresh from the parts and handed
 * back only when all of that holds, so a snapshot is used whole or not at all.
 */
export async function restoreSnapshot(
  file: string,
  store: EventStore,
  firstEvent: StoredEvent | undefined,
  build: (parts: ReadModelParts) => RelationsReadModel,
): Promise<{ model: RelationsReadModel; header: SnapshotHeader } | undefined> {
  const snapshot = readSnapshot(file);
  if (!snapshot) return undefined;
  const { parts: entries, ...header } = snapshot;
  if (header.version !== READ_MODEL_VERSION) {
    throw new UnusableSnapshotError(`it was written by read-model code v${header.version} and this is v${READ_MODEL_VERSION}`);
  }
  const foreign = await notThisLog(header.log, store, firstEvent);
  if (foreign) throw new UnusableSnapshotError(foreign);
  let model: RelationsReadModel;
  try {
    const parts = Object.fromEntries(entries as [string, unknown][]);
    const inconsistency = inconsistencyOf(parts, header.log.checkpoint.position, (a, b) => store.comparePositions(a, b));
    if (inconsistency) throw new UnusableSnapshotError(`its parts are inconsistent: ${inconsistency}`);
    model = build(parts as unknown as ReadModelParts);
  } catch (error) {
    if (error instanceof UnusableSnapshotError) throw error;
    throw new UnusableSnapshotError(`its parts cannot be loaded (${error instanceof Error ? error.message : String(error)})`);
  }
  return { model, header };
}

/** The identity of the log up to `lastApplied`, for the snapshot's header. */
export function logIdentity(firstEvent: StoredEvent, lastApplied: LogAddress): LogIdentity {
  const { eventId, streamId, revision, position } = lastApplied;
  return { first: { eventId: firstEvent.eventId, position: firstEvent.position }, checkpoint: { eventId, streamId, revision, position } };
}

/** Why the log in `store` is not the one a snapshot with `identity` was built from, or undefined when it is. */
async function notThisLog({ first, checkpoint }: LogIdentity, store: EventStore, firstEvent: StoredEvent | undefined): Promise<string | undefined> {
  if (!store.isPosition(first.position) || !store.isPosition(checkpoint.position)) return 'its positions are not positions of this store: it was built from another kind of store';
  if (!firstEvent) return 'it was built from a log with events and this log is empty';
  if (firstEvent.eventId !== first.eventId || store.comparePositions(firstEvent.position, first.position) !== 0) {
    return (
      `it was built from another log (its first event is ${first.eventId} at position ${first.position}; ` +
      `this log's is ${firstEvent.eventId} at ${firstEvent.position})`
    );
  }
  const [atCheckpoint] = await store.readStream(checkpoint.streamId, checkpoint.revision, 1);
  const where = `${checkpoint.streamId} revision ${checkpoint.revision}`;
  if (atCheckpoint?.revision !== checkpoint.revision) {
    return `its checkpoint event (${where}, position ${checkpoint.position}) is not in this log, which ends before it (an older copy of the database?)`;
  }
  if (atCheckpoint.eventId !== checkpoint.eventId || store.comparePositions(atCheckpoint.position, checkpoint.position) !== 0) {
    return (
      `this log holds another event at its checkpoint (${where}: ${atCheckpoint.eventId} at position ${atCheckpoint.position}, ` +
      `not ${checkpoint.eventId} at ${checkpoint.position}): it was built from another history`
    );
  }
  return undefined;
}
