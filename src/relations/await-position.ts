import type { EventStore } from '../event-store/event-store.port.js';
import { ProblemException, validationProblem } from '../http/problem.js';
import type { ProjectionRunner } from '../projections/projection-runner.js';

/** How long `minPosition` may hold a read before answering 503. */
const MIN_POSITION_WAIT_MS = 2_000;

/** Read-your-writes: holds a read until the read model has applied `minPosition` (400 if it is none, 503 after the wait). */
export async function awaitPosition(store: EventStore, projections: ProjectionRunner, minPosition: string | undefined): Promise<void> {
  if (minPosition === undefined) return;
  if (!store.isPosition(minPosition)) throw validationProblem([{ field: 'minPosition', message: 'is not a position in this log' }]);
  if (!(await projections.waitFor(minPosition, MIN_POSITION_WAIT_MS))) {
    throw new ProblemException(
      { status: 503, title: 'The read model has not caught up yet', detail: `The read model has not reached position ${minPosition} yet; retry shortly` },
      { 'retry-after': '1' },
    );
  }
}
