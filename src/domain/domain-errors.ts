/** A reported incident breaks one of the pair's rules (HTTP 422). */
export class RelationRuleViolation extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RelationRuleViolation';
  }
}
