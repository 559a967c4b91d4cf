import type { Provider } from '@nestjs/common';
import { INCIDENT_DIRECTORY, type IncidentDirectory } from './incidents/incident-directory.port.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from './incidents/projection-progress.port.js';
import { ProjectionRunner } from './projections/projection-runner.js';

/**
 * The write side's ports, answered by the read side. The only file that knows both sides: when
 * the read model changes shape, this is what changes.
 */
export const writeSidePorts: Provider[] = [
  {
    provide: INCIDENT_DIRECTORY,
    inject: [ProjectionRunner],
    // The runner's directory always answers from the live model, also after a rebuild replaced it.
    useFactory: (runner: ProjectionRunner): IncidentDirectory => runner.directory,
  },
  {
    provide: PROJECTION_PROGRESS,
    inject: [ProjectionRunner],
    useFactory: (runner: ProjectionRunner): ProjectionProgress => ({ waitFor: (position, timeoutMs) => runner.waitFor(position, timeoutMs) }),
  },
];
