import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';
import { PROVENANCES, type EvidenceFilter, type Provenance } from '../domain/evidence-weight.js';
import { IsQueryInteger } from '../http/validators.js';

/** Most independent sources a filter may ask for: more than any incident has. */
export const MAX_MIN_SOURCES = 1_000;

const PROVENANCE_SET = new RegExp(`^(${PROVENANCES.join('|')})(,(${PROVENANCES.join('|')}))*$`);

/**
 * The evidence filters shared by the relation views and the incident lists: only incidents of
 * these provenances, with at least this many independent sources, are listed and scored.
 */
export class EvidenceQuery {
  @ApiPropertyOptional({
    description:
      'Only incidents of these provenances, comma-separated: analyst (reported by an analyst), imported (machine-coded, not confirmed), ' +
      'confirmed (imported and confirmed by an analyst). Views then score only those incidents. With knownAt, the provenance as known then.',
    example: 'analyst,confirmed',
  })
  @IsOptional() @Matches(PROVENANCE_SET, { message: `must be ${PROVENANCES.join(', ')} or several of them joined by commas (e.g. analyst,confirmed)` })
  provenance?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_MIN_SOURCES,
    description: 'Only incidents with at least this many independent sources (distinct publishers or registrable domains); views then score only those',
    example: 2,
  })
  @IsOptional() @IsQueryInteger(1, MAX_MIN_SOURCES)
  minSources?: number;
}

/** The filter the query asks for, or undefined when it asks for none (so the view is the one kept for everyone). */
export function evidenceFilterOf(query: { provenance?: string; minSources?: number }): EvidenceFilter | undefined {
  if (query.provenance === undefined && query.minSources === undefined) return undefined;
  return {
    ...(query.provenance !== undefined ? { provenance: new Set(query.provenance.split(',') as Provenance[]) } : {}),
    ...(query.minSources !== undefined ? { minSources: query.minSources } : {}),
  };
}
