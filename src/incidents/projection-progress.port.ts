/**
 * How far the read side has applied the log, for read-your-writes: a 201 answers once a GET
 * would show the write. Bound to the projection runner in write-side.providers.ts.
 */
export interface ProjectionProgress {
  /** Resolves true once the read side has applied `position`, false after `timeoutMs`. */
  waitFor(position: string, timeoutMs: number): Promise<boolean>;
}

export const PROJECTION_PROGRESS = Symbol('ProjectionProgress');
