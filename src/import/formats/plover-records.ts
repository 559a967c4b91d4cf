import { MalformedRow, type ReadRow } from '../coded-event.js';

/**
 * PLOVER codes events in its own 16 + 4 categories, not CAMEO. Each maps to the CAMEO root
 * category (or code) it was carved from in the PLOVER manual's CAMEO crosswalk; ACCUSE and RETREAT
 * are single CAMEO codes there. DOCUMENT records are the file's own documentation, not events.
 */
export const PLOVER_TO_CAMEO: Readonly<Record<string, string>> = {
  AGREE: '03',
  CONSULT: '04',
  SUPPORT: '05',
  CONCEDE: '08',
  COOPERATE: '06',
  AID: '07',
  RETREAT: '0874',
  REQUEST: '02',
  ACCUSE: '112',
  REJECT: '12',
  THREATEN: '13',
  PROTEST: '14',
  SANCTION: '16',
  MOBILIZE: '15',
  COERCE: '17',
  ASSAULT: '18',
  DEMAND: '10',
  DISAPPROVE: '11',
  INVESTIGATE: '09',
  FIGHT: '19',
};

interface PloverActor {
  code?: unknown;
}

/** Marks a PLOVER record that codes no event (DOCUMENT) or an unknown category. */
export const NOT_CAMEO = '';

/** One PLOVER / POLECAT record (the JSON object) as a coded row; the first source and target actors form the dyad. */
export function ploverRow(record: unknown, recordNumber: number): ReadRow {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) return new MalformedRow(recordNumber, 'not a JSON object');
  const r = record as Record<string, unknown>;
  if (typeof r.id !== 'string' || typeof r.event !== 'string') return new MalformedRow(recordNumber, 'no "id" or "event"');
  const date = typeof r.date === 'string' ? r.date.slice(0, 10) : '';
  const cameo = PLOVER_TO_CAMEO[r.event] ?? NOT_CAMEO;
  if (cameo !== NOT_CAMEO && !/^\d{4}-\d{2}-\d{2}$/.test(date)) return new MalformedRow(recordNumber, `date "${String(r.date)}" is not YYYY-MM-DD`);
  const publication = typeof r.publication === 'string' ? r.publication : undefined;
  return {
    line: recordNumber,
    rowKey: r.id,
    actorCountry: firstActorCode(r.source),
    targetCountry: firstActorCode(r.target),
    cameo,
    occurredOn: date,
    ...(typeof r.text === 'string' ? { text: r.text } : {}),
    ...(publication ? { publisher: publication } : {}),
  };
}

function firstActorCode(actors: unknown): string {
  const first = Array.isArray(actors) ? (actors[0] as PloverActor | undefined) : undefined;
  return typeof first?.code === 'string' ? first.code : '';
}
