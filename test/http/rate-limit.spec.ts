import { addressKey } from '../../src/http/client-address.js';
import { RequestWindows } from '../../src/http/rate-limit.js';

const MINUTE = 60_000;

describe('RequestWindows: one-minute windows per client', () => {
  it('lets a client make its limit’s worth of requests in a minute, then refuses with the time until its window closes', () => {
    const windows = new RequestWindows(3);
    const answers = [0, 1_000, 2_000, 2_500, 59_999].map((at) => windows.count('203.0.113.7', at));

    expect(answers).toEqual([undefined, undefined, undefined, MINUTE - 2_500, 1]);
  });

  it('opens a fresh window once a minute has passed since the first request of the last one', () => {
    const windows = new RequestWindows(2);
    for (const at of [0, 10_000, 20_000]) windows.count('203.0.113.7', at);

    expect(windows.count('203.0.113.7', MINUTE - 1)).toBe(1);
    expect([MINUTE, MINUTE + 5, MINUTE + 10].map((at) => windows.count('203.0.113.7', at))).toEqual([undefined, undefined, MINUTE - 10]);
  });

  it('counts each client apart: one client over its limit leaves the others theirs', () => {
    const windows = new RequestWindows(1);

    expect(windows.count('203.0.113.7', 0)).toBeUndefined();
    expect(windows.count('203.0.113.7', 1)).toBe(MINUTE - 1);
    expect(windows.count('198.51.100.20', 2)).toBeUndefined();
  });

  it('keeps a bounded number of clients, forgetting the one seen longest ago first (which then starts afresh)', () => {
    const windows = new RequestWindows(1, 2);
    windows.count('a', 0);
    windows.count('b', 1);
    windows.count('a', 2); // a is now the most recently seen, over its limit
    windows.count('c', 3); // forgets b

    expect(windows.count('a', 4)).toBe(MINUTE - 4);
    expect(windows.count('b', 5)).toBeUndefined();
  });
});

describe('addressKey: what a client is counted as', () => {
  it('counts an IPv4 address as itself, and one mapped into IPv6 (a listener on ::) as the same IPv4 address', () => {
    expect(addressKey('203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(addressKey('::FFFF:cb00:7107')).toBe('203.0.113.7');
  });

  it('counts IPv6 clients by their /64, however the address is written', () => {
    const block = addressKey('2001:db8:1:2::1');

    expect(block).toBe('2001:db8:1:2::');
    expect(addressKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(block);
    expect(addressKey('2001:DB8:1:2:abcd::9')).toBe(block);
    expect(addressKey('2001:db8:1:3::1')).not.toBe(block);
    expect(addressKey('::1')).toBe('::');
  });

  it('keys text that is not an address as itself, lower-cased, rather than failing', () => {
    expect(addressKey('Not:An:Address')).toBe('not:an:address');
  });
});
