import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { v5 as uuidv5 } from 'uuid';
import { IncidentCommands } from '../incidents/incident-commands.js';
import { PROJECTION_PROGRESS, type ProjectionProgress } from '../incidents/projection-progress.port.js';
import { RelationCommandHandler } from '../incidents/relation-command-handler.js';
import { ReportIncidentDto } from '../incidents/report-incident.dto.js';
import { createValidationPipe } from '../http/validation.pipe.js';

/** Namespace of the deterministic event ids of seed incidents (UUID v5 of the seed key). */
const SEED_NAMESPACE = '5b0f3c1e-7d1a-4f0e-9a53-2f6f6d6a7e11';
/** How long each seed waits for the read side to show it, as a POST does. */
const READ_YOUR_WRITES_MS = 2_000;

interface SeedFile {
  story: string;
  incidents: ({ key: string } & Record<string, unknown>)[];
}

export interface SeedOutcome {
  recorded: number;
  alreadyPresent: number;
}

/**
 * Loads every seeds/*.json incident through the same path as POST /incidents (validation pipe,
 * decider, append). Each seed has a stable key, hashed into its event id, so loading twice adds nothing.
 */
export async function loadSeeds(app: INestApplicationContext, directory = seedsDirectory()): Promise<SeedOutcome> {
  const commands = app.get(IncidentCommands);
  const handler = app.get(RelationCommandHandler);
  const progress = app.get<ProjectionProgress>(PROJECTION_PROGRESS);
  const pipe = createValidationPipe();
  const outcome: SeedOutcome = { recorded: 0, alreadyPresent: 0 };
  for (const file of readdirSync(directory).filter((name) => name.endsWith('.json')).sort()) {
    const seeds = JSON.parse(readFileSync(join(directory, file), 'utf8')) as SeedFile;
    // A seed names the incident it answers by its key (`details.inResponseTo`); the server gives incidents their ids.
    const incidentIdOf = new Map<string, string>();
    for (const { key, ...report } of seeds.incidents) {
      const details = report.details as Record<string, unknown> | undefined;
      const answered = typeof details?.inResponseTo === 'string' ? incidentIdOf.get(details.inResponseTo) : undefined;
      const body = answered ? { ...report, details: { ...details, inResponseTo: answered } } : report;
      const dto = (await pipe.transform(body, { type: 'body', metatype: ReportIncidentDto })) as ReportIncidentDto;
      const { streamId, command } = commands.report(dto);
      const result = await handler.handle(streamId, command, { eventId: uuidv5(`${file}#${key}`, SEED_NAMESPACE) });
      await progress.waitFor(result.position, READ_YOUR_WRITES_MS);
      incidentIdOf.set(key, result.incidentId);
      if (result.replayed) outcome.alreadyPresent++;
      else outcome.recorded++;
    }
  }
  return outcome;
}

/** seeds/ at the project root, found from this file whether it runs from src/ (tests) or dist/src/. */
export function seedsDirectory(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'seeds'))) return join(dir, 'seeds');
  }
  throw new Error('seeds/ directory not found above ' + fileURLToPath(import.meta.url));
}
