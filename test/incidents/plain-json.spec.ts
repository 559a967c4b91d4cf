import fc from 'fast-check';
import { plain } from '../../src/incidents/plain-json.js';

class SourceLike {
  url?: string = 'https://example.org/a';
  publisher?: string = undefined;
  title?: string;
}

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe('plain', () => {
  it('copies DTO instances into plain JSON data, as a JSON round trip would', () => {
    const dto = { sources: [new SourceLike(), Object.assign(new SourceLike(), { title: 'T' })], details: { diplomats: 2, names: ['a', 'b'], none: undefined } };

    const copy = plain(dto);

    expect(copy).toStrictEqual(roundTrip(dto));
    expect(Object.getPrototypeOf(copy.sources[0])).toBe(Object.prototype);
    expect(copy.sources[0]).not.toBe(dto.sources[0]);
  });

  it('drops or nulls what JSON cannot hold, like JSON.stringify', () => {
    const odd = { f: () => 1, s: Symbol('s'), list: [undefined, () => 1, Number.NaN, -0, Infinity], at: new Date(0), zero: -0 };

    expect(plain(odd)).toStrictEqual(roundTrip(odd));
  });

  it('keeps an own "__proto__" key a key, as JSON.parse does, instead of setting the prototype', () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;

    const copy = plain(value);

    expect(copy).toStrictEqual(roundTrip(value));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: boolean }).polluted).toBeUndefined();
  });

  it('equals the JSON round trip for any JSON-like value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => { expect(plain(value)).toStrictEqual(roundTrip(value)); }), { numRuns: 500 });
  });
});
