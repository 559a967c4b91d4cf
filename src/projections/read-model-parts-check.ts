import { types } from 'node:util';
import { INCIDENT_TYPES } from '../domain/incident-types.js';
import { ROW_COLUMNS, type ReadModelParts } from './incident-rows.js';

// util.types rather than instanceof: deserialised arrays may come from another realm (a vm context).
const { isFloat64Array, isUint16Array, isUint32Array, isUint8Array } = types;

/** How to recognise each kind of typed array the storage keeps its row columns in. */
const IS_OF_TYPE: Record<string, (value: unknown) => boolean> = {
  Float64Array: isFloat64Array,
  Uint32Array: isUint32Array,
  Uint16Array: isUint16Array,
  Uint8Array: isUint8Array,
};

/** Per-row columns of the table and their types, from the storage's own table: each as long as `type`. */
const CHECKED_COLUMNS = Object.entries(ROW_COLUMNS)
  .filter(([name]) => name !== 'type')
  .map(([name, Type]) => [name as keyof ReadModelParts, Type.name, IS_OF_TYPE[Type.name]] as const);

/**
 * Why `parts` (read from a snapshot whose checksum was right) cannot be a read model's, or
 * undefined when they can: every column present, of its type and as long as the others; every
 * row, pair, type and date number in range; no event beyond the snapshot's checkpoint. A checksum
 * proves the bytes are the ones written, not that what was written was whole and consistent; a
 * model built from inconsistent parts would fail on reads (500s) rather than at start. One pass
 * over the rows: a few milliseconds per million incidents.
 */
export function inconsistencyOf(
  parts: Partial<Record<keyof ReadModelParts, unknown>>,
  checkpoint: string,
  comparePositions: (a: string, b: string) => number,
): string | undefined {
  const type = parts.type;
  if (!isUint8Array(type)) return 'the type column is missing';
  const rows = type.length;
  for (const [name, typeName, isOfType] of CHECKED_COLUMNS) {
    const column = parts[name] as ArrayLike<number>;
    if (!isOfType(column)) return `the ${name} column is missing or not a ${typeName}`;
    if (column.length !== rows) return `the ${name} column has ${column.length} rows where the type column has ${rows}`;
  }
  const positions = parts.positions;
  if (!(isUint32Array(positions) || (Array.isArray(positions) && positions.every((p) => typeof p === 'string')))) return 'the positions column is missing';
  if (positions.length !== rows) return `the positions column has ${positions.length} rows where the type column has ${rows}`;
  const ids = parts.ids as ReadModelParts['ids'] | undefined;
  if (!(isUint32Array(ids?.words) && isUint32Array(ids.slots) && Array.isArray(ids.others))) return 'the incident id index is missing';
  if (ids.words.length !== rows * 4 || ids.filled + ids.others.length !== rows || ids.slots.length < 2 * ids.filled) return 'the incident id index does not match the rows';
  const dates = parts.dates;
  if (!Array.isArray(dates)) return 'the dates are missing';
  const pairs = parts.pairs as ReadModelParts['pairs'] | undefined;
  if (!Array.isArray(pairs)) return 'the pairs are missing';
  if (!Array.isArray(parts.effectData) || !Array.isArray(parts.streamOfKeyedEvent)) return 'the details or keyed events are missing';
  if (!Array.isArray(parts.evidence)) return 'the evidence of corroborated incidents is missing';
  if (!Number.isSafeInteger(parts.events) || (parts.events as number) < rows) return `the event count ${String(parts.events)} is below the ${rows} incidents`;

  const pairOfRow = parts.pairOfRow as Uint16Array;
  const occurredOn = parts.occurredOn as Uint32Array;
  const [pairCount, typeCount, dateCount] = [pairs.length, INCIDENT_TYPES.length, dates.length];
  const rowsOfPair = new Uint32Array(pairCount);
  for (let row = 0; row < rows; row++) {
    const pair = pairOfRow[row];
    if (pair >= pairCount) return `row ${row} belongs to pair ${pair} of ${pairCount}`;
    rowsOfPair[pair]++;
    if (type[row] >= typeCount) return `row ${row} has type number ${type[row]} of ${typeCount}`;
    if (occurredOn[row] >= dateCount) return `row ${row} has date number ${occurredOn[row]} of ${dateCount}`;
  }
  for (let n = 0; n < pairCount; n++) {
    const pair = pairs[n];
    if (typeof pair?.a !== 'string' || typeof pair.b !== 'string' || typeof pair.streamId !== 'string' || !isUint32Array(pair.reports) || !Array.isArray(pair.amendments)) {
      return `pair ${n} is malformed`;
    }
    // Sequential reads only (a check of each report's pair would jump around the table: 30–40 ms a million).
    const reports = pair.reports;
    if (reports.length !== rowsOfPair[n]) return `pair ${n} lists ${reports.length} reports where ${rowsOfPair[n]} rows belong to it`;
    for (let i = 0; i < reports.length; i++) if (reports[i] >= rows) return `pair ${n} lists row ${reports[i]} of ${rows}`;
    for (const amendment of pair.amendments) {
      if (!(amendment?.row < rows) || typeof amendment.position !== 'string') return `pair ${n} has a malformed amendment`;
    }
    const lastAmendment = pair.amendments.at(-1)?.position;
    // Amendments are in log order: the last is the latest.
    if (lastAmendment !== undefined && comparePositions(lastAmendment, checkpoint) > 0) return `an amendment at ${lastAmendment} lies beyond the checkpoint ${checkpoint}`;
  }
  if (rows > 0) {
    // Rows are in log order: the last is the latest report.
    const last = String(positions[rows - 1]);
    if (comparePositions(last, checkpoint) > 0) return `a report at ${last} lies beyond the checkpoint ${checkpoint}`;
  }
  return undefined;
}
