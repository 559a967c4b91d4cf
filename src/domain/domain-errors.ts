import type { ValidationError } from 'class-validator';

/** A reported incident breaks one of the pair's rules (HTTP 422). */
export class RelationRuleViolation extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RelationRuleViolation';
  }
}

/** A correction or retraction names an incident this pair never recorded (HTTP 404). */
export class IncidentNotFound extends Error {
  constructor(readonly incidentId: string) {
    super(`No incident ${incidentId} is recorded`);
    this.name = 'IncidentNotFound';
  }
}

/** A correction's details do not fit the incident's type (HTTP 400, one field error per broken rule). */
export class InvalidIncidentDetails extends Error {
  constructor(readonly errors: ValidationError[]) {
    super(`details do not fit the incident's type: ${errors.map((e) => e.property).join(', ')}`);
    this.name = 'InvalidIncidentDetails';
  }
}
