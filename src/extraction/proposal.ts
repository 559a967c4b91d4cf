import type { IncidentType } from '../domain/incident-types.js';

/**
 * The contract between the extractor (which reads an article) and everything that shows or records its
 * proposals (POST /extractions, the review page, `npm run extract`, bench:extract). Nothing here is recorded:
 * a proposal becomes an incident only when an analyst accepts it through the same path as POST /incidents.
 */

/** An article as the analyst gives it. `publishedOn` (YYYY-MM-DD) anchors relative dates ("on Tuesday"). */
export interface ArticleInput {
  readonly text: string;
  readonly publishedOn: string;
  readonly url?: string;
  readonly publisher?: string;
  readonly title?: string;
}

/** A span of the article's text: `text === article.text.slice(start, end)` (UTF-16 offsets, end exclusive). */
export interface TextSpan {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** Why a proposal was made: the sentence, and where in it the trigger and the two states were found. */
export interface ProposalEvidence {
  readonly sentence: TextSpan;
  readonly trigger: TextSpan;
  readonly actor: TextSpan;
  readonly target: TextSpan;
}

export interface ProposedIncident {
  /** Stable for the same article text and act: the review page and idempotent acceptance key on it. */
  readonly proposalId: string;
  readonly type: IncidentType;
  /** ISO 3166-1 alpha-3. */
  readonly actor: string;
  readonly target: string;
  /** YYYY-MM-DD, YYYY-MM or YYYY: only as precise as the text supports. */
  readonly occurredOn: string;
  readonly summary: string;
  /** Only what the text states, in the catalogue's detail fields for `type` (validated like a report's). */
  readonly details: Readonly<Record<string, unknown>>;
  /** The proposal this one answers ("in response", "citing reciprocity"), when the article says so. */
  readonly inResponseTo?: string;
  readonly evidence: ProposalEvidence;
  /** 0..1: how sure the rule is (lower for hedged or indirect wording). */
  readonly confidence: number;
  /** A short human explanation: which rule fired, on which words. */
  readonly why: string;
}

export interface ExtractionResult {
  readonly proposals: readonly ProposedIncident[];
  /** How many sentences were read. */
  readonly sentences: number;
}
