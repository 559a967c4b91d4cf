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
