import { getDomain } from 'tldts';
import { cameoName } from '../domain/cameo-vocabulary.js';
import type { Source } from '../domain/incident.js';
import type { ImportCodedEvent } from '../domain/relation.decider.js';
import type { CodedEventRow } from './coded-event.js';
import { uuidV5Namer } from './uuid-v5.js';

/** Namespace of imported rows' event and incident ids (UUID v5 of dataset and row key). */
const IMPORT_NAMESPACE = '8f2d6c4a-1b7e-4e95-a0c3-6d2b9e7f1a54';
const importId = uuidV5Namer(IMPORT_NAMESPACE);

/** The event id of a dataset's row: the same row imported again is the same event, which the store records once. */
export function eventIdOfRow(dataset: string, rowKey: string): string {
  return importId(`${dataset}/${rowKey}`);
}

/** The id of the incident a row creates when it corroborates none. */
export function incidentIdOfRow(dataset: string, rowKey: string): string {
  return importId(`incident/${dataset}/${rowKey}`);
}

/** Where the row's report was published: its URL and the URL's registrable domain, else the publisher the dataset names. */
export function sourceOfRow(row: CodedEventRow): Source {
  if (row.sourceUrl) {
    const domain = getDomain(row.sourceUrl);
    return { url: row.sourceUrl, ...(domain ? { publisher: domain } : {}) };
  }
  return { publisher: row.publisher ?? 'unnamed publisher' };
}

/** The decider's command for an interstate row. */
export function importCommandOf(row: CodedEventRow, dataset: string, actor: string, target: string, recordedAt: string): ImportCodedEvent {
  return {
    type: 'ImportCodedEvent',
    data: {
      incidentId: incidentIdOfRow(dataset, row.rowKey),
      actor,
      target,
      cameo: row.cameo,
      occurredOn: row.occurredOn,
      summary: `${cameoName(row.cameo)} (CAMEO ${row.cameo}), coded by ${dataset}`,
      source: sourceOfRow(row),
      provenance: { dataset, row: row.rowKey, line: row.line },
      recordedAt,
    },
  };
}
