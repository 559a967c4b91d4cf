import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { InvalidIncidentDetails } from './domain-errors.js';
import type { IncidentDetails } from './incident.js';
import { INCIDENT_CATALOG } from './incident-catalog.js';
import type { IncidentType } from './incident-types.js';

/**
 * Details checked against the incident type's details class from the catalogue, returned as
 * validated (text normalized) plain JSON. A report's details are checked by the HTTP validation
 * pipe, which knows the type from the body; a correction names only the incident, so its new
 * details are checked here, once the decider knows which type the incident was recorded as.
 */
export function checkedDetails(type: IncidentType, details: IncidentDetails): IncidentDetails {
  const Details = INCIDENT_CATALOG[type].details;
  if (!Details) {
    const stray = Object.keys(details);
    if (stray.length > 0) throw new InvalidIncidentDetails(stray.map((property) => unknownField(property)));
    return {};
  }
  const instance = plainToInstance(Details, details);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) throw new InvalidIncidentDetails(errors);
  return JSON.parse(JSON.stringify(instance)) as IncidentDetails;
}

function unknownField(property: string): ValidationError {
  return { property, constraints: { whitelist: 'is not a known field' }, children: [] } as ValidationError;
}
