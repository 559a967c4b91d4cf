/**
 * The names src/incidents/incidents.controller.ts still imports, kept while the write path is
 * being restructured on another branch: once that lands, the controller imports
 * ./responses/incident.responses.js itself (and declares them as its return types) and this file goes.
 */
export { IncidentPageResponse as IncidentPageDocument, IncidentResponse as IncidentDocument, RecordedResponse as RecordedDocument } from './responses/incident.responses.js';
