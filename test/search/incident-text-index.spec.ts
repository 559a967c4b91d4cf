import { IncidentTextIndex, matchExpression, type IndexChange, type IndexedIncident, type SearchCriteria } from '../../src/search/incident-text-index.js';

let index: IncidentTextIndex;
let seq = 0;

function add(overrides: Partial<IndexedIncident>): IndexedIncident {
  seq += 1;
  const incident: IndexedIncident = {
    incidentId: `id-${seq}`,
    position: String(seq),
    actor: 'AZE',
    target: 'FRA',
    type: 'Accusation',
    occurredMs: Date.UTC(2023, 11, seq),
    summary: `incident ${seq}`,
    sources: [],
    ...overrides,
  };
  index.add(incident);
  return incident;
}

const search = (criteria: Partial<SearchCriteria>) => index.search({ includeRetracted: false, order: 'reported', limit: 100, ...criteria }).map((hit) => hit.position);

beforeEach(() => {
  index = new IncidentTextIndex();
  seq = 0;
});

afterEach(() => index.close());

describe('the incident text index', () => {
  it('quotes every typed word as a prefix term, so FTS5 syntax is never run', () => {
    expect(matchExpression('expel NEAR(x) "a*')).toBe('"expel"* AND "NEAR"* AND "x"* AND "a"*');
    expect(matchExpression('  ¿? ')).toBeUndefined();
  });

  it('matches stems, word beginnings and letters without their accents, in summaries and sources', () => {
    const expelled = add({ summary: 'Paris expelled two diplomats' });
    const geneva = add({ summary: 'Talks held', sources: [{ publisher: 'Tribune de Genève' }] });
    add({ summary: 'Sanctions imposed' });
    expect(search({ text: 'expel' })).toEqual([expelled.position]);
    expect(search({ text: 'geneve' })).toEqual([geneva.position]);
    expect(search({ text: 'talk tribune' })).toEqual([geneva.position]);
    expect(search({ text: 'talk sanctions' })).toEqual([]);
  });

  it('filters by actor, target, either side and the unordered pair', () => {
    const a = add({ actor: 'AZE', target: 'FRA' });
    const b = add({ actor: 'FRA', target: 'AZE' });
    const c = add({ actor: 'ARM', target: 'AZE' });
    expect(search({ actor: 'FRA' })).toEqual([b.position]);
    expect(search({ target: 'AZE' })).toEqual([b.position, c.position]);
    expect(search({ country: 'FRA' })).toEqual([a.position, b.position]);
    expect(search({ pair: ['AZE', 'FRA'] })).toEqual([a.position, b.position]);
  });

  it('leaves retracted incidents out unless asked, and searches a corrected summary by its new words', () => {
    const kept = add({ summary: 'first wording' });
    const retracted = add({ summary: 'wording withdrawn' });
    index.retract(retracted.incidentId);
    index.correct(kept.incidentId, { summary: 'second phrasing' });
    expect(search({ text: 'wording' })).toEqual([]);
    expect(search({ text: 'wording', includeRetracted: true })).toEqual([retracted.position]);
    expect(search({ text: 'phrasing' })).toEqual([kept.position]);
  });

  it('orders by occurrence (a correction moves an incident) and pages by keyset in every order', () => {
    const all = [1, 2, 3, 4, 5].map((day) => add({ occurredMs: Date.UTC(2023, 11, 10 - day), summary: `expel ${'expel '.repeat(day)}` }));
    index.correct(all[0].incidentId, { occurredMs: Date.UTC(2023, 0, 1) });
    expect(search({ order: 'occurred' })).toEqual([all[0], all[4], all[3], all[2], all[1]].map((i) => i.position));

    for (const order of ['reported', '-reported', 'occurred', '-occurred', 'relevance'] as const) {
      const whole = search({ order, text: 'expel' });
      expect(whole).toHaveLength(5);
      const paged: string[] = [];
      let after: string | undefined;
      for (;;) {
        const page = search({ order, text: 'expel', limit: 2, afterPosition: after });
        paged.push(...page.slice(0, 2));
        if (page.length <= 2) break;
        after = page[1];
      }
      expect([order, paged]).toEqual([order, whole]);
    }
  });

  it('ranks the closest match first by relevance', () => {
    add({ summary: 'expulsion mentioned once among many other words of a long summary about talks' });
    const best = add({ summary: 'expel expel expel' });
    expect(search({ text: 'expel', order: 'relevance' })[0]).toBe(best.position);
  });

  it('answers each match with the incident it names, so a page needs no lookup per match', () => {
    const first = add({ summary: 'Envoy recalled' });
    const second = add({ summary: 'Envoy expelled' });
    expect(index.search({ text: 'envoy', includeRetracted: false, order: 'reported', limit: 10 })).toEqual([
      { position: first.position, incidentId: first.incidentId },
      { position: second.position, incidentId: second.incidentId },
    ]);
  });

  it('applies a batch of changes in order and all or none', () => {
    const kept = add({ summary: 'border closed' });
    index.apply([
      { kind: 'add', incidentId: 'id-a', position: '100', actor: 'ARM', target: 'AZE', type: 'Accusation', occurredMs: 0, summary: 'shelling reported', sources: [] },
      { kind: 'correct', incidentId: 'id-a', summary: 'shelling denied' },
      { kind: 'retract', incidentId: kept.incidentId },
    ]);
    expect(search({ text: 'denied' })).toEqual(['100']);
    expect(search({ text: 'border' })).toEqual([]);

    // A summary SQLite cannot bind fails the batch's last statement: the retraction before it is undone too.
    const broken = { kind: 'add', incidentId: 'id-b', position: '101', actor: 'ARM', target: 'AZE', type: 'Accusation', occurredMs: 0, summary: { text: 'never indexed' }, sources: [] };
    expect(() => index.apply([{ kind: 'retract', incidentId: 'id-a' }, broken as unknown as IndexChange])).toThrow();
    expect(search({ text: 'denied' })).toEqual(['100']);
    expect(search({ actor: 'ARM' })).toEqual(['100']);
  });
});
