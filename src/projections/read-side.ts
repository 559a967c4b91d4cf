import type { Beliefs } from './beliefs.js';
import type { IncidentDocuments } from './incident-documents.js';
import type { IncidentRows } from './incident-rows.js';
import type { KeptEarliestIncidents } from './kept-earliest-incidents.js';
import type { KeptMonthOpenings } from './kept-month-openings.js';
import type { KeptNextIncident } from './kept-next-incident.js';
import type { PairRankings } from './pair-rankings.js';

/** What every query reads: the storage, what is believed of it, and the documents in the store. */
export interface ReadSide {
  rows: IncidentRows;
  beliefs: Beliefs;
  documents: IncidentDocuments;
  /** The kept ranking of every pair that pages of relations slice. */
  rankings: PairRankings;
  /** The earliest incident per country and knownAt, kept until the log advances. */
  earliest: KeptEarliestIncidents;
  /** The first incident of any pair coming due after an instant, kept per log position. */
  nextIncident: KeptNextIncident;
  /** The opening of the month under way per pair and perspective, kept until the log advances. */
  monthOpenings: KeptMonthOpenings;
  comparePositions: (a: string, b: string) => number;
}

export type { Perspective } from '../time/perspective.js';
