import { collectAtRest, collectAtRestFromEnv, compactingCollection, DEFAULT_COLLECT_AT_REST, RestWatch, type Collected, type CollectAtRestOptions } from '../../src/startup/collect-at-rest.js';

const MB = 1024 * 1024;
const rule: CollectAtRestOptions = { checkEveryMs: 1_000, restMs: 2_000, restBelowUtilisation: 0.05, growthBytes: 64 * MB };

describe('RestWatch: when to collect', () => {
  it('collects once the loop has rested for restMs and the heap has grown by growthBytes, not before', () => {
    const watch = new RestWatch(rule, 100 * MB);

    expect(watch.check({ utilisation: 0.9, heldBytes: 400 * MB })).toBe(false); // busy
    expect(watch.check({ utilisation: 0.01, heldBytes: 400 * MB })).toBe(false); // rested 1 s of 2
    expect(watch.check({ utilisation: 0.01, heldBytes: 400 * MB })).toBe(true);
  });

  it('a busy check starts the rest again', () => {
    const watch = new RestWatch(rule, 100 * MB);

    watch.check({ utilisation: 0.01, heldBytes: 400 * MB });
    expect(watch.check({ utilisation: 0.2, heldBytes: 400 * MB })).toBe(false);
    expect(watch.check({ utilisation: 0.01, heldBytes: 400 * MB })).toBe(false);
    expect(watch.check({ utilisation: 0.01, heldBytes: 400 * MB })).toBe(true);
  });

  it('does not collect for growth under growthBytes, however long the rest', () => {
    const watch = new RestWatch(rule, 100 * MB);

    for (let i = 0; i < 10; i++) expect(watch.check({ utilisation: 0, heldBytes: 163 * MB })).toBe(false);
    expect(watch.check({ utilisation: 0, heldBytes: 164 * MB })).toBe(true);
  });

  it('counts growth from what the last collection left, and from what V8 left when it collected by itself', () => {
    const watch = new RestWatch(rule, 100 * MB);
    watch.collected(300 * MB); // live data grew: 300 MB is the new floor

    expect(watch.check({ utilisation: 0, heldBytes: 350 * MB })).toBe(false);
    expect(watch.check({ utilisation: 0, heldBytes: 350 * MB })).toBe(false);
    // V8 collected by itself down to 120 MB; 200 MB is 80 MB above that.
    expect(watch.check({ utilisation: 0, heldBytes: 120 * MB })).toBe(false);
    expect(watch.check({ utilisation: 0, heldBytes: 200 * MB })).toBe(true);
  });

  it('after a collection the loop must rest again before the next', () => {
    const watch = new RestWatch(rule, 100 * MB);
    watch.check({ utilisation: 0, heldBytes: 400 * MB });
    expect(watch.check({ utilisation: 0, heldBytes: 400 * MB })).toBe(true);
    watch.collected(100 * MB);

    expect(watch.check({ utilisation: 0, heldBytes: 300 * MB })).toBe(false);
    expect(watch.check({ utilisation: 0, heldBytes: 300 * MB })).toBe(true);
  });
});

/** About 150 MB of objects that were all reachable for a while (so V8 promoted them) and now are not. */
function leaveGarbage(): void {
  let kept: object[][] | null = [];
  for (let round = 0; round < 12; round++) {
    const batch: object[] = [];
    for (let i = 0; i < 100_000; i++) batch.push({ name: `pair ${round}-${i}`, scores: [i, i + 1], text: JSON.stringify({ i }) });
    kept.push(batch);
  }
  kept = null;
}

/** Keeps the event loop busy about half the time for `ms`. */
async function busyFor(ms: number): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const sliceEnd = performance.now() + 5;
    while (performance.now() < sliceEnd);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('collectAtRest on this process (V8’s own collector)', () => {
  const quick: CollectAtRestOptions = { checkEveryMs: 100, restMs: 300, restBelowUtilisation: 0.05, growthBytes: 64 * MB };

  it('gives the garbage back once the loop is quiet', async () => {
    const reports: Collected[] = [];
    const stop = collectAtRest(quick, (collected) => reports.push(collected));
    try {
      leaveGarbage();
      const deadline = performance.now() + 5_000;
      while (reports.length === 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

      expect(reports).toHaveLength(1);
      expect(reports[0].heapBeforeBytes - reports[0].heapAfterBytes).toBeGreaterThan(100 * MB);
      // Nothing more to give back: it does not collect again while the heap does not grow.
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(reports).toHaveLength(1);
    } finally {
      stop();
    }
  }, 20_000);

  it('leaves a busy loop alone: V8 collects as it would have', async () => {
    const reports: Collected[] = [];
    const stop = collectAtRest(quick, (collected) => reports.push(collected));
    try {
      leaveGarbage();
      await busyFor(1_500);

      expect(reports).toHaveLength(0);
    } finally {
      stop();
    }
  }, 20_000);
});

describe('compactingCollection', () => {
  it('hands back the pages that a plain full collection keeps for a few live objects each', () => {
    // A third of 2M objects stays live, spread over every page the rest of them filled.
    let all: object[] | null = [];
    const live: object[] = [];
    for (let i = 0; i < 2_000_000; i++) {
      const item = { name: `pair ${i}`, scores: [i, i + 1] };
      all.push(item);
      if (i % 3 === 0) live.push(item);
    }
    all = null;
    // Started "with the flag", it gives V8's plain gc() back: the collection V8 would run by itself.
    compactingCollection(['--compact-on-every-full-gc'])();
    const plain = process.memoryUsage();
    compactingCollection()();
    const compacted = process.memoryUsage();

    expect(live).toHaveLength(666_667);
    expect(plain.heapTotal - compacted.heapTotal).toBeGreaterThan(30 * MB);
    expect(compacted.heapTotal - compacted.heapUsed).toBeLessThan(plain.heapTotal - plain.heapUsed);
  });
});

describe('COLLECT_AT_REST', () => {
  it('is on with a growth of 64 MB unless set; off; or a growth in MB', () => {
    expect(collectAtRestFromEnv(undefined)).toEqual(DEFAULT_COLLECT_AT_REST);
    expect(collectAtRestFromEnv(' on ')).toEqual(DEFAULT_COLLECT_AT_REST);
    expect(collectAtRestFromEnv('OFF')).toBe(false);
    expect(collectAtRestFromEnv('16')).toEqual({ ...DEFAULT_COLLECT_AT_REST, growthBytes: 16 * MB });
    for (const bad of ['0', '-5', '1.5', 'sometimes', '1000000']) expect(() => collectAtRestFromEnv(bad)).toThrow(/COLLECT_AT_REST must be on, off, or a growth/);
  });
});
