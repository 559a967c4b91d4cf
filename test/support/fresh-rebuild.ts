import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { ProjectionRunner, type ProjectionStatus } from '../../src/projections/projection-runner.js';

/** The status of a read model rebuilt from the whole log in `file`, persisting nothing: what a live model must hash like. */
export async function freshRebuild(file: string): Promise<ProjectionStatus> {
  const store = new SqliteEventStore({ file });
  const runner = new ProjectionRunner(store);
  try {
    await runner.rebuild();
    return runner.status();
  } finally {
    await runner.onApplicationShutdown();
    await store.close();
  }
}
