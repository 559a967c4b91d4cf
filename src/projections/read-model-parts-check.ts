import { types } from 'node:util';
import { INCIDENT_TYPES } from '../domain/incident-catalog.js';
import type { ReadModelParts } from './relations.read-model.js';

// util.types rather than instanceof: deserialised arrays may come from another realm (a vm context).
const { isFloat64Array, isUint16Array, isUint32Array, isUint8Array } = types;

/** Per-row columns of the table and their types: each as long as `type`. */
const ROW_COLUMNS: [keyof ReadModelParts, string, (value: unknown) => boolean][] = [
  ['pairOfRow', 'Uint16Array', isUint16Array],
  ['revision', 'Uint32Array', isUint32Array],
  ['recordedMs', 'Float64Array', isFloat64Array],
  ['atMs', 'Float64Array', isFloat64Array],
  ['occurredOn', 'Uint32Array', isUint32Array],
  ['flags', 'Uint8Array', isUint8Array],
];

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
  for (const [name, typeName, isOfType] of ROW_COLUMNS) {
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
  if (!Number.isSafeInteger(parts.events) || (parts.events as number) < rows) return `the event count ${String(parts.events)} is below the ${rows} incidents`;

  const pairOfRow = parts.pairOfRow as Uint16Array;
  const occurredOn = parts.occurredOn as Uint32Array;
  for (let row = 0; row < rows; row++) {
    if (pairOfRow[row] >= pairs.length) return `row ${row} belongs to pair ${pairOfRow[row]} of ${pairs.length}`;
    if (type[row] >= INCIDENT_TYPES.length) return `row ${row} has type number ${type[row]} of ${INCIDENT_TYPES.length}`;
    if (occurredOn[row] >= dates.length) return `row ${row} has date number ${occurredOn[row]} of ${dates.length}`;
  }
  let reported = 0;
  for (const [n, pair] of pairs.entries()) {
    if (typeof pair?.a !== 'string' || typeof pair.b !== 'string' || typeof pair.streamId !== 'string' || !isUint32Array(pair.reports) || !Array.isArray(pair.amendments)) {
      return `pair ${n} is malformed`;
    }
    for (const row of pair.reports) if (row >= rows || pairOfRow[row] !== n) return `pair ${n} lists row ${row}, which is not one of its own`;
    for (const amendment of pair.amendments) {
      if (!(amendment?.row < rows) || pairOfRow[amendment.row] !== n || typeof amendment.position !== 'string') return `pair ${n} has a malformed amendment`;
      if (comparePositions(amendment.position, checkpoint) > 0) return `an amendment at ${amendment.position} lies beyond the checkpoint ${checkpoint}`;
    }
    reported += pair.reports.length;
  }
  if (reported !== rows) return `the pairs list ${reported} reports where the table has ${rows}`;
  if (rows > 0) {
    // Rows are in log order: the last is the latest report.
    const last = String(positions[rows - 1]);
    if (comparePositions(last, checkpoint) > 0) return `a report at ${last} lies beyond the checkpoint ${checkpoint}`;
  }
  return undefined;
}
