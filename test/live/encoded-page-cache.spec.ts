import { EncodedPageCache, type EncodedPage } from '../../src/live/encoded-page-cache.js';

function page(text: string, lastEvent = '1'): EncodedPage {
  return { text, updates: 1, lastUpdate: lastEvent, lastEvent, next: lastEvent };
}

describe('EncodedPageCache', () => {
  it('gives back a page for the same cursor and generation, and nothing once the generation moves on', () => {
    const cache = new EncodedPageCache(100);
    cache.set(null, 'g1', page('first'));
    cache.set('1', 'g1', page('second', '2'));
    expect(cache.get(null, 'g1')?.text).toBe('first');
    expect(cache.get('1', 'g1')?.text).toBe('second');
    expect(cache.get(null, 'g2')).toBeUndefined();
    expect(cache.get('1', 'g1')).toBeUndefined();
  });

  it('lets the least recently used pages go past its size', () => {
    const cache = new EncodedPageCache(10);
    cache.set('a', 'g', page('aaaa'));
    cache.set('b', 'g', page('bbbb'));
    expect(cache.get('a', 'g')?.text).toBe('aaaa');
    cache.set('c', 'g', page('cccc'));
    expect(cache.get('b', 'g')).toBeUndefined();
    expect(cache.get('a', 'g')?.text).toBe('aaaa');
    expect(cache.get('c', 'g')?.text).toBe('cccc');
    // Replacing a page counts its size once.
    cache.set('c', 'g', page('CCCC'));
    expect(cache.get('a', 'g')?.text).toBe('aaaa');
    // A page larger than the whole cache is not kept.
    cache.set('d', 'g', page('d'.repeat(11)));
    expect(cache.get('d', 'g')).toBeUndefined();
  });
});
