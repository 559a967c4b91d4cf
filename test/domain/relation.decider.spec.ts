import { IncidentNotFound, InvalidIncidentDetails, RelationRuleViolation } from '../../src/domain/domain-errors.js';
import { InvalidOccurrenceError } from '../../src/domain/occurrence.js';
import { relationDecider } from '../../src/domain/relation.decider.js';
import { aCorrection, aReport, aRetraction, anIncident, given, incidentId, RECORDED_AT, stateAfter } from './decider-harness.js';

/** FRA expels AZE diplomats: the expulsion AZE's reciprocal expulsions answer. */
const fraExpels = (id: number, occurredOn: string, details = {}) =>
  anIncident('DiplomatsExpelled', { incidentId: incidentId(id), actor: 'FRA', target: 'AZE', occurredOn, details: { diplomats: 2, ...details } });

/** AZE answers an expulsion of its diplomats by FRA. */
const azeAnswers = (id: number, answered: number, occurredOn: string) =>
  anIncident('ReciprocalExpulsion', { incidentId: incidentId(id), occurredOn, inResponseTo: incidentId(answered) });

describe('relation decider', () => {
  describe('ReciprocalExpulsion', () => {
    it('answers the expulsion named by details.inResponseTo, even when a later one is also unanswered', () => {
      given([fraExpels(1, '2024-04-01'), fraExpels(2, '2024-04-20')])
        .when(aReport('ReciprocalExpulsion', { incidentId: incidentId(3), occurredOn: '2024-04-25', details: { diplomats: 2, inResponseTo: incidentId(1) } }))
        .then([
          anIncident('ReciprocalExpulsion', {
            incidentId: incidentId(3),
            occurredOn: '2024-04-25',
            details: { diplomats: 2 },
            inResponseTo: incidentId(1),
          }),
        ]);
    });

    it('answers the latest unanswered expulsion by occurrence when none is named, whatever order they were reported in', () => {
      given([fraExpels(2, '2024-04-20'), fraExpels(1, '2024-04-01')])
        .when(aReport('ReciprocalExpulsion', { incidentId: incidentId(3), occurredOn: '2024-04-25' }))
        .then([anIncident('ReciprocalExpulsion', { incidentId: incidentId(3), occurredOn: '2024-04-25', inResponseTo: incidentId(2) })]);
    });

    it('skips expulsions that are already answered when picking the latest unanswered one', () => {
      given([fraExpels(1, '2024-04-01'), fraExpels(2, '2024-04-20'), azeAnswers(3, 2, '2024-04-21')])
        .when(aReport('ReciprocalExpulsion', { incidentId: incidentId(4), occurredOn: '2024-04-25' }))
        .then([anIncident('ReciprocalExpulsion', { incidentId: incidentId(4), occurredOn: '2024-04-25', inResponseTo: incidentId(1) })]);
    });

    it('is rejected when the other side has expelled nobody', () => {
      given([])
        .when(aReport('ReciprocalExpulsion'))
        .thenRejects(RelationRuleViolation, /^ReciprocalExpulsion rejected: FRA has expelled no AZE diplomats that AZE has not already answered$/);
    });

    it('is rejected when the only expulsions are in the same direction (AZE expelling FRA diplomats)', () => {
      given([anIncident('DiplomatsExpelled', { occurredOn: '2024-04-01' })])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04-10' }))
        .thenRejects(RelationRuleViolation, /FRA has expelled no AZE diplomats/);
    });

    it('is rejected when every expulsion by the other side is already answered', () => {
      given([fraExpels(1, '2024-04-01'), azeAnswers(2, 1, '2024-04-02')])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04-10' }))
        .thenRejects(RelationRuleViolation, /FRA has expelled no AZE diplomats that AZE has not already answered/);
    });

    it('is rejected when the only unanswered expulsion happened after the reported response', () => {
      given([fraExpels(1, '2024-05-20')])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04' }))
        .thenRejects(RelationRuleViolation, /FRA has expelled no AZE diplomats/);
    });

    it('is rejected when the named expulsion is already answered', () => {
      given([fraExpels(1, '2024-04-01'), azeAnswers(2, 1, '2024-04-02')])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04-10', details: { diplomats: 2, inResponseTo: incidentId(1) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`expulsion ${incidentId(1)} has already been answered`));
    });

    it('is rejected when the named expulsion went the same way (it was AZE expelling FRA diplomats)', () => {
      given([anIncident('DiplomatsExpelled', { incidentId: incidentId(1), occurredOn: '2024-04-01' })])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04-10', details: { diplomats: 2, inResponseTo: incidentId(1) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`expulsion ${incidentId(1)} was of FRA diplomats by AZE`));
    });

    it('is rejected when the named expulsion is unknown to the pair', () => {
      given([fraExpels(1, '2024-04-01')])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04-10', details: { diplomats: 2, inResponseTo: incidentId(99) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`no expulsion ${incidentId(99)} is recorded between AZE and FRA`));
    });

    it('is rejected when the named expulsion happened after the response', () => {
      given([fraExpels(1, '2024-05-20')])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-04-10', details: { diplomats: 2, inResponseTo: incidentId(1) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`expulsion ${incidentId(1)} happened after this response`));
    });
  });

  describe('DiplomatsExpelled answering the other side within 30 days', () => {
    it('is recorded as a ReciprocalExpulsion linked to the expulsion 30 days earlier, remembering the posted type', () => {
      given([fraExpels(1, '2024-03-01')])
        .when(aReport('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-03-31' }))
        .then([
          anIncident('ReciprocalExpulsion', {
            incidentId: incidentId(2),
            occurredOn: '2024-03-31',
            inResponseTo: incidentId(1),
            postedType: 'DiplomatsExpelled',
          }),
        ]);
    });

    it('stays a DiplomatsExpelled 31 days after the other side’s expulsion', () => {
      given([fraExpels(1, '2024-03-01')])
        .when(aReport('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-04-01' }))
        .then([anIncident('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-04-01' })]);
    });

    it('stays a DiplomatsExpelled when the other side’s expulsion was already answered', () => {
      given([fraExpels(1, '2024-03-01'), azeAnswers(2, 1, '2024-03-05')])
        .when(aReport('DiplomatsExpelled', { incidentId: incidentId(3), occurredOn: '2024-03-10' }))
        .then([anIncident('DiplomatsExpelled', { incidentId: incidentId(3), occurredOn: '2024-03-10' })]);
    });

    it('stays a DiplomatsExpelled when the earlier expulsion went the same way', () => {
      given([anIncident('DiplomatsExpelled', { incidentId: incidentId(1), occurredOn: '2024-03-01' })])
        .when(aReport('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-03-10' }))
        .then([anIncident('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-03-10' })]);
    });
  });

  describe('a reciprocal expulsion closes the exchange', () => {
    const exchange = [fraExpels(1, '2024-03-01'), azeAnswers(2, 1, '2024-03-05')];

    it('so a further expulsion by the first side within 30 days stays a DiplomatsExpelled', () => {
      given(exchange)
        .when(aReport('DiplomatsExpelled', { incidentId: incidentId(3), actor: 'FRA', target: 'AZE', occurredOn: '2024-03-10' }))
        .then([anIncident('DiplomatsExpelled', { incidentId: incidentId(3), actor: 'FRA', target: 'AZE', occurredOn: '2024-03-10' })]);
    });

    it('so it cannot itself be answered by a reciprocal expulsion', () => {
      given(exchange)
        .when(aReport('ReciprocalExpulsion', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-10' }))
        .thenRejects(RelationRuleViolation, /AZE has expelled no FRA diplomats that FRA has not already answered/);
      given(exchange)
        .when(aReport('ReciprocalExpulsion', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-10', details: { diplomats: 2, inResponseTo: incidentId(2) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`^ReciprocalExpulsion rejected: expulsion ${incidentId(2)}`));
    });
  });

  describe('DiplomaticRelationsSevered and DiplomaticRelationsRestored', () => {
    const severed = anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-01' });

    it('restores relations that were severed', () => {
      given([severed])
        .when(aReport('DiplomaticRelationsRestored', { actor: 'FRA', target: 'AZE' }))
        .then([anIncident('DiplomaticRelationsRestored', { actor: 'FRA', target: 'AZE' })]);
    });

    it('rejects restoring relations that were never severed', () => {
      given([anIncident('AmbassadorRecalled', { occurredOn: '2024-03-01' })])
        .when(aReport('DiplomaticRelationsRestored'))
        .thenRejects(RelationRuleViolation, /^DiplomaticRelationsRestored rejected: relations between AZE and FRA are neither severed nor downgraded$/);
    });

    it('rejects restoring relations a second time', () => {
      given([severed, anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' })])
        .when(aReport('DiplomaticRelationsRestored'))
        .thenRejects(RelationRuleViolation, /are neither severed nor downgraded/);
    });

    it('rejects severing relations that are already severed, by either side', () => {
      given([severed])
        .when(aReport('DiplomaticRelationsSevered', { actor: 'FRA', target: 'AZE' }))
        .thenRejects(RelationRuleViolation, /^DiplomaticRelationsSevered rejected: relations between FRA and AZE are already severed$/);
    });

    it('severs relations again once they were restored', () => {
      given([severed, anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' })])
        .when(aReport('DiplomaticRelationsSevered'))
        .then([anIncident('DiplomaticRelationsSevered')]);
    });
  });

  describe('DiplomaticRelationsDowngraded', () => {
    const downgraded = anIncident('DiplomaticRelationsDowngraded', { occurredOn: '2024-03-01' });

    it('downgrades normal relations, and relations restored after a downgrade', () => {
      given([]).when(aReport('DiplomaticRelationsDowngraded')).then([anIncident('DiplomaticRelationsDowngraded')]);
      given([downgraded, anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' })])
        .when(aReport('DiplomaticRelationsDowngraded'))
        .then([anIncident('DiplomaticRelationsDowngraded')]);
    });

    it('is ended by restoring relations (either side)', () => {
      given([downgraded])
        .when(aReport('DiplomaticRelationsRestored', { actor: 'FRA', target: 'AZE' }))
        .then([anIncident('DiplomaticRelationsRestored', { actor: 'FRA', target: 'AZE' })]);
    });

    it('rejects downgrading relations already downgraded or severed', () => {
      given([downgraded])
        .when(aReport('DiplomaticRelationsDowngraded', { actor: 'FRA', target: 'AZE' }))
        .thenRejects(RelationRuleViolation, /^DiplomaticRelationsDowngraded rejected: relations between FRA and AZE are already downgraded$/);
      given([anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-01' })])
        .when(aReport('DiplomaticRelationsDowngraded'))
        .thenRejects(RelationRuleViolation, /^DiplomaticRelationsDowngraded rejected: relations between AZE and FRA are severed$/);
    });

    it('rejects an ambassador returning while relations stay downgraded, and lets one return once they are restored', () => {
      given([downgraded])
        .when(aReport('AmbassadorReturned'))
        .thenRejects(RelationRuleViolation, /^AmbassadorReturned rejected: relations between AZE and FRA are downgraded below ambassador level; restore them first$/);
      given([downgraded, anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' })])
        .when(aReport('AmbassadorReturned'))
        .then([anIncident('AmbassadorReturned')]);
    });
  });

  describe('DiplomaticRelationsRestored after a severance', () => {
    it('leaves vacant the posts of ambassadors who left with the relations, and lets them be filled', () => {
      const severed = anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-01' });
      const restored = anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' });
      expect(stateAfter([severed, restored]).facts.ambassadors).toEqual({ AZE: 'vacant', FRA: 'vacant' });
      given([severed, restored]).when(aReport('AmbassadorReturned', { occurredOn: '2024-06-01' })).then([anIncident('AmbassadorReturned', { occurredOn: '2024-06-01' })]);
    });

    it('keeps an ambassador recalled in protest before the severance recalled after it', () => {
      const recall = anIncident('AmbassadorRecalled', { actor: 'FRA', target: 'AZE', occurredOn: '2024-02-01' });
      const severed = anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-01' });
      const restored = anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' });
      expect(stateAfter([recall, severed, restored]).facts.ambassadors).toEqual({ AZE: 'vacant', FRA: 'recalled' });
    });
  });

  describe('a summons in protest of an incident', () => {
    it('names the incident it protests, which must be recorded in the pair', () => {
      given([fraExpels(1, '2024-04-20')])
        .when(aReport('AmbassadorSummoned', { incidentId: incidentId(2), occurredOn: '2024-04', details: { inResponseTo: incidentId(1) } }))
        .then([anIncident('AmbassadorSummoned', { incidentId: incidentId(2), occurredOn: '2024-04', precision: 'month', details: {}, inResponseTo: incidentId(1) })]);
      given([fraExpels(1, '2024-04-20')])
        .when(aReport('AmbassadorSummoned', { details: { inResponseTo: incidentId(9) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`^AmbassadorSummoned rejected: no incident ${incidentId(9)} is recorded between AZE and FRA$`));
    });

    it('is rejected when what it protests happened after it', () => {
      given([fraExpels(1, '2024-05-20')])
        .when(aReport('AmbassadorSummoned', { occurredOn: '2024-05-10', details: { inResponseTo: incidentId(1) } }))
        .thenRejects(RelationRuleViolation, new RegExp(`^AmbassadorSummoned rejected: incident ${incidentId(1)} happened after this AmbassadorSummoned`));
    });
  });

  describe('CeasefireDeclared', () => {
    const offensive = anIncident('MilitaryOffensive', { occurredOn: '2024-03-01' });

    it('ends armed hostilities begun by a military offensive, declared by either side', () => {
      given([offensive])
        .when(aReport('CeasefireDeclared', { actor: 'FRA', target: 'AZE' }))
        .then([anIncident('CeasefireDeclared', { actor: 'FRA', target: 'AZE' })]);
    });

    it('is rejected when no armed hostilities are under way: none begun, or already ended', () => {
      given([])
        .when(aReport('CeasefireDeclared'))
        .thenRejects(RelationRuleViolation, /^CeasefireDeclared rejected: no armed hostilities are under way between AZE and FRA$/);
      given([offensive, anIncident('CeasefireDeclared', { occurredOn: '2024-03-05' })])
        .when(aReport('CeasefireDeclared'))
        .thenRejects(RelationRuleViolation, /no armed hostilities are under way/);
      given([offensive, anIncident('AgreementSigned', { occurredOn: '2024-03-05', details: { peaceAgreement: true } })])
        .when(aReport('CeasefireDeclared'))
        .thenRejects(RelationRuleViolation, /no armed hostilities are under way/);
    });

    it('is still needed after an agreement that is not a peace agreement (a grain deal signed in wartime)', () => {
      given([offensive, anIncident('AgreementSigned', { occurredOn: '2024-03-05', details: { agreement: 'Grain export deal' } })])
        .when(aReport('CeasefireDeclared'))
        .then([anIncident('CeasefireDeclared')]);
    });

    it('is rejected when dated before the offensive it would end', () => {
      given([offensive])
        .when(aReport('CeasefireDeclared', { occurredOn: '2024-02-20' }))
        .thenRejects(RelationRuleViolation, /no armed hostilities are under way/);
    });
  });

  describe('AmbassadorRecalled and AmbassadorReturned', () => {
    const azeRecalls = anIncident('AmbassadorRecalled', { occurredOn: '2024-03-01' });

    it('lets an ambassador return after a recall', () => {
      given([azeRecalls]).when(aReport('AmbassadorReturned')).then([anIncident('AmbassadorReturned')]);
    });

    it('lets an ambassador return after being expelled with diplomats', () => {
      given([fraExpels(1, '2024-03-01', { includesAmbassador: true })])
        .when(aReport('AmbassadorReturned'))
        .then([anIncident('AmbassadorReturned')]);
    });

    it('rejects the return of an ambassador who was neither recalled nor expelled', () => {
      given([])
        .when(aReport('AmbassadorReturned'))
        .thenRejects(RelationRuleViolation, /^AmbassadorReturned rejected: AZE's ambassador to FRA was neither recalled nor expelled$/);
    });

    it('rejects the return of one side’s ambassador when it was the other side that recalled its own', () => {
      given([anIncident('AmbassadorRecalled', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-01' })])
        .when(aReport('AmbassadorReturned'))
        .thenRejects(RelationRuleViolation, /AZE's ambassador to FRA was neither recalled nor expelled/);
    });

    it('rejects a second return after the ambassador is back in post', () => {
      given([azeRecalls, anIncident('AmbassadorReturned', { occurredOn: '2024-04-01' })])
        .when(aReport('AmbassadorReturned'))
        .thenRejects(RelationRuleViolation, /was neither recalled nor expelled/);
    });

    it('rejects any return while relations are severed, and accepts it once they are restored', () => {
      const severed = anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-01' });
      given([severed])
        .when(aReport('AmbassadorReturned'))
        .thenRejects(RelationRuleViolation, /relations between AZE and FRA are severed; restore them first/);
      given([severed, anIncident('DiplomaticRelationsRestored', { occurredOn: '2024-04-01' })])
        .when(aReport('AmbassadorReturned'))
        .then([anIncident('AmbassadorReturned')]);
    });

    it('rejects recalling an ambassador who is already recalled', () => {
      given([azeRecalls])
        .when(aReport('AmbassadorRecalled'))
        .thenRejects(RelationRuleViolation, /^AmbassadorRecalled rejected: AZE's ambassador to FRA is already recalled$/);
    });

    it('rejects recalling an ambassador the other side has expelled', () => {
      given([fraExpels(1, '2024-03-01', { includesAmbassador: true })])
        .when(aReport('AmbassadorRecalled'))
        .thenRejects(RelationRuleViolation, /AZE's ambassador to FRA is already expelled/);
    });

    it('rejects recalling either ambassador once relations are severed (severing withdraws both)', () => {
      const severed = anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-01' });
      given([severed]).when(aReport('AmbassadorRecalled')).thenRejects(RelationRuleViolation, /AZE's ambassador to FRA is already recalled/);
      given([severed])
        .when(aReport('AmbassadorRecalled', { actor: 'FRA', target: 'AZE' }))
        .thenRejects(RelationRuleViolation, /FRA's ambassador to AZE is already recalled/);
    });

    it('recalls an ambassador again after the return', () => {
      given([azeRecalls, anIncident('AmbassadorReturned', { occurredOn: '2024-04-01' })])
        .when(aReport('AmbassadorRecalled'))
        .then([anIncident('AmbassadorRecalled')]);
    });
  });

  describe('expelling an ambassador', () => {
    it('expels the other side’s ambassador with its diplomats while that ambassador is in post', () => {
      given([])
        .when(aReport('DiplomatsExpelled', { details: { diplomats: 3, includesAmbassador: true } }))
        .then([anIncident('DiplomatsExpelled', { details: { diplomats: 3, includesAmbassador: true } })]);
    });

    it('rejects expelling an ambassador who was recalled', () => {
      given([anIncident('AmbassadorRecalled', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-01' })])
        .when(aReport('DiplomatsExpelled', { details: { diplomats: 3, includesAmbassador: true } }))
        .thenRejects(RelationRuleViolation, /^DiplomatsExpelled rejected: FRA's ambassador is not in post in AZE, so cannot be expelled$/);
    });

    it('rejects expelling an ambassador who was already expelled, also when the expulsion is reciprocal', () => {
      const fraExpelsAzeAmbassador = fraExpels(1, '2024-03-01', { includesAmbassador: true });
      const azeExpelsFraAmbassador = anIncident('ReciprocalExpulsion', {
        incidentId: incidentId(2),
        occurredOn: '2024-03-02',
        inResponseTo: incidentId(1),
        details: { diplomats: 2, includesAmbassador: true },
      });
      given([fraExpelsAzeAmbassador, azeExpelsFraAmbassador, fraExpels(3, '2024-03-03')])
        .when(aReport('ReciprocalExpulsion', { occurredOn: '2024-03-04', details: { diplomats: 1, includesAmbassador: true } }))
        .thenRejects(RelationRuleViolation, /^ReciprocalExpulsion rejected: FRA's ambassador is not in post in AZE/);
    });

    it('still expels diplomats without the ambassador while the ambassador is away', () => {
      given([anIncident('AmbassadorRecalled', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-01' })])
        .when(aReport('DiplomatsExpelled', { details: { diplomats: 3 } }))
        .then([anIncident('DiplomatsExpelled', { details: { diplomats: 3 } })]);
    });
  });

  describe('SanctionsEased', () => {
    const azeSanctions = (occurredOn: string, scope: string[]) => anIncident('SanctionsImposed', { occurredOn, details: { scope } });

    it('eases sanctions of a scope the actor has in force', () => {
      given([azeSanctions('2024-03-01', ['economic', 'trade'])])
        .when(aReport('SanctionsEased', { details: { scope: ['trade'] } }))
        .then([anIncident('SanctionsEased', { details: { scope: ['trade'] } })]);
    });

    it('eases all sanctions in force when no scope is given', () => {
      given([azeSanctions('2024-03-01', ['economic'])]).when(aReport('SanctionsEased')).then([anIncident('SanctionsEased')]);
    });

    it('rejects easing when the actor has no sanctions in force', () => {
      given([])
        .when(aReport('SanctionsEased'))
        .thenRejects(RelationRuleViolation, /^SanctionsEased rejected: AZE has no sanctions in force against FRA$/);
    });

    it('rejects easing sanctions that only the other side has in force', () => {
      given([anIncident('SanctionsImposed', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-01', details: { scope: ['economic'] } })])
        .when(aReport('SanctionsEased', { details: { scope: ['economic'] } }))
        .thenRejects(RelationRuleViolation, /AZE has no sanctions in force against FRA/);
    });

    it('rejects easing a scope that is not in force, naming the scopes that are', () => {
      given([azeSanctions('2024-03-01', ['economic', 'travel'])])
        .when(aReport('SanctionsEased', { details: { scope: ['economic', 'trade'] } }))
        .thenRejects(RelationRuleViolation, /^SanctionsEased rejected: AZE has no trade sanctions in force against FRA \(in force: economic, travel\)$/);
    });

    it('keeps the scopes that were not eased in force, and drops the eased ones', () => {
      const history = [azeSanctions('2024-03-01', ['economic', 'trade']), anIncident('SanctionsEased', { occurredOn: '2024-04-01', details: { scope: ['trade'] } })];
      given(history)
        .when(aReport('SanctionsEased', { details: { scope: ['trade'] } }))
        .thenRejects(RelationRuleViolation, /no trade sanctions in force against FRA \(in force: economic\)/);
      given(history)
        .when(aReport('SanctionsEased', { details: { scope: ['economic'] } }))
        .then([anIncident('SanctionsEased', { details: { scope: ['economic'] } })]);
    });

    it('has nothing left to ease after easing everything, until new sanctions are imposed', () => {
      const history = [azeSanctions('2024-03-01', ['economic', 'trade']), anIncident('SanctionsEased', { occurredOn: '2024-04-01' })];
      given(history).when(aReport('SanctionsEased')).thenRejects(RelationRuleViolation, /AZE has no sanctions in force against FRA/);
      given([...history, azeSanctions('2024-04-15', ['arms'])])
        .when(aReport('SanctionsEased', { details: { scope: ['arms'] } }))
        .then([anIncident('SanctionsEased', { details: { scope: ['arms'] } })]);
    });
  });

  describe('an incident reported after later ones (late report)', () => {
    // The relation view folds incidents in occurrence order, so these rules must hold at the date
    // the incident happened, not just at the moment it is reported.

    it('rejects an ambassador’s return dated before the recall it would end', () => {
      given([anIncident('AmbassadorRecalled', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-02' })])
        .when(aReport('AmbassadorReturned', { actor: 'FRA', target: 'AZE', occurredOn: '2024-03-01' }))
        .thenRejects(RelationRuleViolation, /^AmbassadorReturned rejected/);
    });

    it('rejects easing sanctions dated before they were imposed', () => {
      given([anIncident('SanctionsImposed', { occurredOn: '2024-03-02', details: { scope: ['economic'] } })])
        .when(aReport('SanctionsEased', { occurredOn: '2024-03-01', details: { scope: ['economic'] } }))
        .thenRejects(RelationRuleViolation, /^SanctionsEased rejected/);
    });

    it('rejects restoring relations dated before they were severed', () => {
      given([anIncident('DiplomaticRelationsSevered', { occurredOn: '2024-03-02' })])
        .when(aReport('DiplomaticRelationsRestored', { occurredOn: '2024-03-01' }))
        .thenRejects(RelationRuleViolation, /^DiplomaticRelationsRestored rejected/);
    });
  });

  describe('corrections and retractions', () => {
    const summons = anIncident('AmbassadorSummoned', { incidentId: incidentId(1), occurredOn: '2024-05-01', summary: 'AZE summons the French ambassador' });

    it('records only the fields a correction changes, with the precision of a corrected date', () => {
      given([summons])
        .when(aCorrection(incidentId(1), { occurredOn: '2024-04', summary: 'AZE summons the French ambassador' }, { reason: 'It was in April' }))
        .then([
          {
            type: 'IncidentCorrected',
            data: { incidentId: incidentId(1), changes: { occurredOn: '2024-04', precision: 'month' }, reason: 'It was in April', recordedAt: RECORDED_AT },
          },
        ]);
    });

    it('rejects a correction that changes nothing', () => {
      given([summons])
        .when(aCorrection(incidentId(1), { summary: 'AZE summons the French ambassador' }))
        .thenRejects(RelationRuleViolation, new RegExp(`the correction changes nothing in incident ${incidentId(1)}`));
    });

    it('rejects a correction to a date that does not exist', () => {
      given([summons]).when(aCorrection(incidentId(1), { occurredOn: '2024-02-30' })).thenRejects(InvalidOccurrenceError, /2024-02-30/);
    });

    it('checks new details against the type the incident was recorded as, and records them normalized', () => {
      const expulsion = fraExpels(1, '2024-03-01');
      given([expulsion])
        .when(aCorrection(incidentId(1), { details: { diplomats: 3 } }))
        .then([{ type: 'IncidentCorrected', data: { incidentId: incidentId(1), changes: { details: { diplomats: 3 } }, reason: 'The first report had it wrong', recordedAt: RECORDED_AT } }]);
      given([expulsion]).when(aCorrection(incidentId(1), { details: { diplomats: 0 } })).thenRejects(InvalidIncidentDetails, /diplomats/);
      given([summons]).when(aCorrection(incidentId(1), { details: { speaker: 'x' } })).thenRejects(InvalidIncidentDetails, /speaker/);
      given([summons])
        .when(aCorrection(incidentId(1), { details: { ambassadorName: '  Anne\u0301 ' } }))
        .then([{ type: 'IncidentCorrected', data: { incidentId: incidentId(1), changes: { details: { ambassadorName: 'Ann\u00e9' } }, reason: 'The first report had it wrong', recordedAt: RECORDED_AT } }]);
    });

    it('names malformed details before refusing to amend a retracted incident', () => {
      const retracted = { type: 'IncidentRetracted' as const, data: { incidentId: incidentId(1), reason: 'Hoax', recordedAt: RECORDED_AT } };
      given([summons, retracted]).when(aCorrection(incidentId(1), { details: { speaker: 'x' } })).thenRejects(InvalidIncidentDetails);
    });

    it('retracts a recorded incident', () => {
      given([summons])
        .when(aRetraction(incidentId(1), { reason: 'Hoax' }))
        .then([{ type: 'IncidentRetracted', data: { incidentId: incidentId(1), reason: 'Hoax', recordedAt: RECORDED_AT } }]);
    });

    it('rejects amending an incident the pair never recorded', () => {
      given([summons]).when(aRetraction(incidentId(2))).thenRejects(IncidentNotFound, new RegExp(`No incident ${incidentId(2)} is recorded`));
      given([summons]).when(aCorrection(incidentId(2), { summary: 'x' })).thenRejects(IncidentNotFound);
    });

    it('rejects correcting or retracting an incident already retracted', () => {
      const retracted = { type: 'IncidentRetracted' as const, data: { incidentId: incidentId(1), reason: 'Hoax', recordedAt: RECORDED_AT } };
      given([summons, retracted]).when(aRetraction(incidentId(1))).thenRejects(RelationRuleViolation, /has been retracted/);
      given([summons, retracted]).when(aCorrection(incidentId(1), { summary: 'x' })).thenRejects(RelationRuleViolation, /has been retracted/);
    });

    it('forgets what a retracted incident did: a retracted recall leaves nothing to return from', () => {
      const recall = anIncident('AmbassadorRecalled', { incidentId: incidentId(1), occurredOn: '2024-03-01' });
      const retracted = { type: 'IncidentRetracted' as const, data: { incidentId: incidentId(1), reason: 'Hoax', recordedAt: RECORDED_AT } };
      given([recall, retracted]).when(aReport('AmbassadorReturned')).thenRejects(RelationRuleViolation, /was neither recalled nor expelled/);
    });

    it('checks later reports against the corrected incident: an expulsion moved back two months is no longer answered automatically', () => {
      const moved = {
        type: 'IncidentCorrected' as const,
        data: { incidentId: incidentId(1), changes: { occurredOn: '2024-01-01', precision: 'day' as const }, reason: 'Wrong month', recordedAt: RECORDED_AT },
      };
      given([fraExpels(1, '2024-03-01'), moved])
        .when(aReport('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-03-10' }))
        .then([anIncident('DiplomatsExpelled', { incidentId: incidentId(2), occurredOn: '2024-03-10' })]);
    });
  });

  describe('the recorded event', () => {
    it('carries everything the command reported, at month precision, with the command’s clock reading', () => {
      const sources = [
        { url: 'https://example.org/a', publisher: 'Agence', title: 'Summons', publishedOn: '2023-12-27' },
        { publisher: 'Unattributed report' },
      ];
      given([])
        .when(
          aReport('AmbassadorSummoned', {
            incidentId: incidentId(7),
            actor: 'FRA',
            target: 'AZE',
            occurredOn: '2023-12',
            summary: 'France summons the Azerbaijani ambassador',
            sources,
            details: { ambassadorName: 'Leyla Abdullayeva' },
            recordedAt: '2024-01-15T09:30:00.000Z',
          }),
        )
        .then([
          {
            type: 'AmbassadorSummoned',
            data: {
              incidentId: incidentId(7),
              actor: 'FRA',
              target: 'AZE',
              occurredOn: '2023-12',
              precision: 'month',
              summary: 'France summons the Azerbaijani ambassador',
              sources,
              details: { ambassadorName: 'Leyla Abdullayeva' },
              recordedAt: '2024-01-15T09:30:00.000Z',
            },
          },
        ]);
    });

    it('keeps every detail of a reciprocal expulsion except inResponseTo, which moves to the event data', () => {
      given([fraExpels(1, '2024-04-01')])
        .when(
          aReport('ReciprocalExpulsion', {
            incidentId: incidentId(2),
            occurredOn: '2024-04-02T09:15:00+04:00',
            details: { diplomats: 3, deadlineHours: 72, includesAmbassador: false, inResponseTo: incidentId(1) },
          }),
        )
        .then([
          {
            type: 'ReciprocalExpulsion',
            data: {
              incidentId: incidentId(2),
              actor: 'AZE',
              target: 'FRA',
              occurredOn: '2024-04-02T09:15:00+04:00',
              precision: 'instant',
              summary: 'Reported incident, AZE against FRA',
              sources: [{ url: 'https://example.org/wire/1', publisher: 'Example Wire', title: 'Test report', publishedOn: '2024-05-02' }],
              details: { diplomats: 3, deadlineHours: 72, includesAmbassador: false },
              inResponseTo: incidentId(1),
              recordedAt: RECORDED_AT,
            },
          },
        ]);
    });

    it('records a year-precision incident as such', () => {
      given([])
        .when(aReport('Accusation', { occurredOn: '2023', details: { speaker: 'Ilham Aliyev' } }))
        .then([anIncident('Accusation', { occurredOn: '2023', precision: 'year', details: { speaker: 'Ilham Aliyev' } })]);
    });

    it('survives a JSON round trip unchanged (ISO strings, no Dates or undefined fields), as the stores hand it back', () => {
      const events = relationDecider.decide(
        aReport('DiplomatsExpelled', { occurredOn: '2024-03-31', details: { diplomats: 4, deadlineHours: 48, inResponseTo: incidentId(9) } }),
        stateAfter([fraExpels(1, '2024-03-01')]),
      );
      expect(JSON.parse(JSON.stringify(events))).toStrictEqual(events);
    });

    it('is refused for an impossible date', () => {
      given([]).when(aReport('Accusation', { occurredOn: '2023-02-30' })).thenRejects(InvalidOccurrenceError, /2023-02-30 is not a calendar date/);
    });
  });
});
