import { SkippedRecordLog, classifyRecorded } from '../src/event-store/eventstoredb/eventstoredb-recorded-event.js';
import { resolved, type WireRecord } from './support/eventstoredb-wire.js';

const isRelation = (streamId: string) => streamId.startsWith('relation-');
const at = (n: bigint) => ({ commit: n, prepare: n });
const classify = (record: WireRecord) => classifyRecorded(resolved(record).event, isRelation);

describe('classifyRecorded over what the client makes of the server\'s records', () => {
  it('hands out this application\'s JSON object events with an exact position and their metadata', () => {
    const id = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';
    const classified = classify({
      id, streamId: 'relation-AZE-FRA', type: 'DiplomatsExpelled', revision: 4n,
      data: { actor: 'AZE', target: 'FRA' }, metadata: { recordedBy: 'alice' },
      position: { commit: 2n ** 53n + 1n, prepare: 2n ** 53n + 1n },
    });
    expect(classified).toEqual({
      event: {
        eventId: id, streamId: 'relation-AZE-FRA', type: 'DiplomatsExpelled', revision: 4,
        position: '9007199254740993/9007199254740993',
        data: { actor: 'AZE', target: 'FRA' }, metadata: { recordedBy: 'alice' },
      },
    });
  });

  it('skips the server\'s own records: $-streams and $-types', () => {
    expect(classify({ streamId: '$stats-127.0.0.1:2113', type: '$statsCollected', position: at(10n) })).toEqual({ skipped: 'system' });
    expect(classify({ streamId: '$$relation-AZE-FRA', type: '$metadata', position: at(11n) })).toEqual({ skipped: 'system' });
    expect(classify({ streamId: 'relation-AZE-FRA', type: '$>', position: at(12n) })).toEqual({ skipped: 'system' });
    expect(classifyRecorded(undefined, isRelation)).toEqual({ skipped: 'system' });
  });

  it('skips other applications\' streams, even with perfectly good JSON', () => {
    expect(classify({ streamId: 'orders-42', type: 'OrderPlaced', data: { total: 3 }, position: at(20n) })).toEqual({ skipped: 'other-stream' });
    expect(classify({ streamId: 'relations-AZE-FRA', data: {}, position: at(21n) })).toEqual({ skipped: 'other-stream' });
  });

  it('skips data that is not a JSON object: arrays, strings, numbers, unparsable JSON, binary', () => {
    for (const record of [
      { rawData: '[1,2,3]' },
      { rawData: '"just a string"' },
      { rawData: '42' },
      { rawData: 'null' },
      { rawData: '{"unterminated": ' },
      { rawData: '\u0000\u0001binary', contentType: 'application/octet-stream' as const },
    ]) {
      expect(classify({ streamId: 'relation-AZE-FRA', position: at(30n), ...record })).toEqual({ skipped: 'not-a-json-object' });
    }
  });

  it('keeps an event whose metadata is not JSON, with empty metadata', () => {
    const record = resolved({ streamId: 'relation-AZE-FRA', data: { a: 1 }, position: at(40n) });
    const broken = { ...record.event!, metadata: new Uint8Array([1, 2, 3]) };
    expect(classifyRecorded(broken, isRelation)).toMatchObject({ event: { metadata: {}, data: { a: 1 } } });
  });

  it('refuses an event of ours without its position, as an older server sends it: fields unset (0/0) or −1 (2^64−1)', () => {
    expect(() => classify({ streamId: 'relation-AZE-FRA', data: {} })).toThrow(/without its log position \(0\/0\): server 22\.6 or later is required/);
    const minusOne = 2n ** 64n - 1n;
    expect(() => classify({ streamId: 'relation-AZE-FRA', data: {}, position: { commit: minusOne, prepare: minusOne } })).toThrow(
      /server 22\.6 or later is required/,
    );
  });
});

describe('SkippedRecordLog', () => {
  const record = (streamId: string) => resolved({ streamId, position: at(1n) }).event;

  it('says the first skip at once, then one line per batch of skips, with the counts by reason', () => {
    const lines: string[] = [];
    const log = new SkippedRecordLog((line) => lines.push(line), 3, 60_000, () => 0);
    log.note('other-stream', record('orders-1'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^skipped 1 record\(s\) of \$all that are not this application's \(1 in streams of other applications; last: event .* of stream orders-1\); 1 since start$/);

    log.note('other-stream', record('orders-2'));
    log.note('not-a-json-object', record('relation-AZE-FRA'));
    expect(lines).toHaveLength(1);
    log.note('other-stream', record('orders-3'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('skipped 3 record(s)');
    expect(lines[1]).toContain('2 in streams of other applications, 1 whose data is not a JSON object');
    expect(lines[1]).toContain('4 since start');
  });

  it('says what accumulated once a minute has passed, and never mentions the server\'s own records', () => {
    const lines: string[] = [];
    let now = 0;
    const log = new SkippedRecordLog((line) => lines.push(line), 1_000, 60_000, () => now);
    log.note('other-stream', record('orders-1'));
    for (let i = 0; i < 500; i++) log.note('system', record('$stats'));
    now = 30_000;
    log.note('other-stream', record('orders-2'));
    expect(lines).toHaveLength(1);
    now = 60_001;
    log.note('other-stream', record('orders-3'));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('skipped 2 record(s)');
    expect(lines[1]).toContain('3 since start');

    log.flush();
    expect(lines).toHaveLength(2); // nothing pending, nothing said
  });
});
