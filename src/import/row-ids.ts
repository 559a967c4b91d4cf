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
