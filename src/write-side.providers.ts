import type { Provider } from '@nestjs/common';
import { RELATION_STREAM_PREFIX } from './domain/relation-pair.js';
import { INCIDENT_DIRECTORY, type IncidentDirectory } from './incidents/incident-directory.port.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from './incidents/projection-progress.port.js';
import { ProjectionRunner } from './projections/projection-runner.js';

/**
 * The write side's ports, answered by the read side. The only file that knows both sides: when
 * the read model changes shape, this is what changes. `runner.readModel` is read at every call,
 * as a rebuild replaces it.
 */
export const writeSidePorts: Provider[] = [
  {
    provide: INCIDENT_DIRECTORY,
    inject: [ProjectionRunner],
    useFactory: (runner: ProjectionRunner): IncidentDirectory => ({
      streamOfIncident: (incidentId) => {
        const pair = runner.readModel.pairOf(incidentId);
        return pair === undefined ? undefined : `${RELATION_STREAM_PREFIX}${pair}`;
      },
      streamOfEvent: (eventId) => runner.readModel.streamOfEvent(eventId),
    }),
  },
  {
    provide: PROJECTION_PROGRESS,
    inject: [ProjectionRunner],
    useFactory: (runner: ProjectionRunner): ProjectionProgress => ({ waitFor: (position, timeoutMs) => runner.waitFor(position, timeoutMs) }),
  },
];
