import fc from 'fast-check';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Whatever a client sends to POST /watches, the answer is a 201 or a problem+json naming the
 * field and the rule — never a 5xx — and a server holds at most `maxWatches`.
 */

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ app: { watches: { maxWatches: 3 } } });
});

afterAll(async () => {
  await t?.close();
});

/** A field: mostly of its kind, sometimes anything at all, sometimes left out. */
const field = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(fc.oneof({ arbitrary, weight: 6 }, { arbitrary: fc.anything(), weight: 1 }), { nil: undefined, freq: 6 });
const fields = {
  name: field(fc.oneof(fc.constantFrom('Caucasus desk', ' ', ''), fc.string({ maxLength: 120 }))),
  pairs: field(fc.array(fc.oneof(fc.constantFrom('AZE-FRA', 'FRA-AZE', 'XXX-FRA', 'AZE-AZE', 'aze-fra', 'AZE-FRA-DEU'), fc.string()), { maxLength: 4 })),
  countries: field(fc.array(fc.oneof(fc.constantFrom('FRA', 'ARM', 'XXX', 'fra'), fc.string()), { maxLength: 4 })),
  rule: field(
    fc.record(
      {
        type: field(fc.constantFrom('level_reached', 'band_moved_in_a_day', 'month_deteriorated', 'bogus')),
        level: field(fc.constantFrom('calm', 'crisis', 'war')),
      },
      { requiredKeys: [] },
    ),
  ),
  webhookUrl: field(fc.constantFrom('https://hooks.example.org/x', 'http://hooks.example.org/x', 'https://10.0.0.1/x', 'https://[::1]/x', 'javascript:alert(1)', '')),
};
const VALID = { name: 'Caucasus desk', pairs: ['AZE-FRA'], countries: ['ARM'], rule: { type: 'level_reached', level: 'crisis' }, webhookUrl: 'https://hooks.example.org/x' };
type Field = keyof typeof fields;
/** A valid watch with one field replaced (or none), or every field at random. */
const body = fc.oneof(
  fc.constantFrom<Field | null>(null, ...(Object.keys(fields) as Field[])).chain((key) => (key === null ? fc.constant<object>(VALID) : fields[key].map((value): object => ({ ...VALID, [key]: value })))),
  fc.record(fields, { requiredKeys: [] }),
);

it('answers any body with a 201 or a problem naming the field, never a 5xx', async () => {
  let created = 0;
  await fc.assert(
    fc.asyncProperty(body, async (sent) => {
      const response = await t.request('POST', '/watches', JSON.parse(JSON.stringify(sent) ?? 'null'));
      if (response.status === 201) {
        created++;
        await t.request('DELETE', `/watches/${response.json.watchId}`, undefined, { 'content-type': 'application/json' });
        return;
      }
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.json.errors.length).toBeGreaterThan(0);
      for (const error of response.json.errors) expect(error).toEqual({ field: expect.stringMatching(/^(name|pairs|countries|rule|webhookUrl)/), message: expect.any(String) });
    }),
    { numRuns: 200 },
  );
  // The generator reaches valid watches too, or the property says little.
  expect(created).toBeGreaterThan(0);
});

it('refuses a watch beyond the most a server holds with a 409 saying what to do', async () => {
  const watch = { name: 'Desk', pairs: ['AZE-FRA'], rule: { type: 'month_deteriorated' } };
  for (let i = 0; i < 3; i++) expect((await t.request('POST', '/watches', watch)).status).toBe(201);
  const refused = await t.request('POST', '/watches', watch);
  expect(refused.status).toBe(409);
  expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(refused.json.detail).toBe('This server holds its most watches (3); delete one you no longer need first');
});
