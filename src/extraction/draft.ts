import type { IncidentType } from '../domain/incident-types.js';
import type { ProposalEvidence } from './proposal.js';

/** A proposal before reciprocity, dedupe and ids: what one trigger in one sentence yields. */
export interface Draft {
  type: IncidentType;
  readonly ruleId: string;
  readonly actor: string;
  readonly target: string;
  occurredOn: string;
  details: Record<string, unknown>;
  /** Detail fields filled from what the words imply rather than state (an unnumbered "diplomats" is 2). */
  implied: string[];
  readonly evidence: ProposalEvidence;
  readonly sentenceIndex: number;
  readonly paragraph: number;
  confidence: number;
  readonly reasons: string[];
  /** The sentence (or the one after it) says this act answers another ("in response", "citing reciprocity"). */
  reciprocal: boolean;
  /** How the date was found: said in the sentence, carried from the same pair's act, or defaulted. */
  dateSource: 'stated' | 'carried' | 'default';
  /** What tells two acts of one type and pair apart (an accusation's charge); empty when nothing does. */
  readonly distinction: string;
  inResponseTo?: Draft;
}
