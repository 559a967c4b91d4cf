import { rmSync } from 'node:fs';
import { loadSeeds } from '../../src/seeding/seed-loader.js';
import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/** Two days after Azerbaijan's expulsion of two French diplomats, when the seed story ends. */
const STORY_END = '2023-12-28T12:00:00.000Z';
const SEED_INCIDENTS = 15;

/** The documents a dashboard reads; a restart must serve them unchanged. */
const VIEWS = ['/relations', '/relations/AZE/FRA', '/incidents'];

describe('loading the seeds', () => {
  let t: TestApp;

  beforeEach(async () => {
    t = await startTestApp({ clock: fixedClock(STORY_END) });
  });

  afterEach(async () => {
    await t.close();
  });

  it('records the 15 seed incidents once; loading them again records nothing', async () => {
    const first = await loadSeeds(t.app);
    const eventsAfterFirst = countEvents(t.file);

    const second = await loadSeeds(t.app);

    expect(first).toEqual({ recorded: SEED_INCIDENTS, alreadyPresent: 0 });
    expect(eventsAfterFirst).toBe(SEED_INCIDENTS);
    expect(second).toEqual({ recorded: 0, alreadyPresent: SEED_INCIDENTS });
    expect(countEvents(t.file)).toBe(SEED_INCIDENTS);
    const listed = await t.request('GET', '/incidents');
    expect(listed.json.items).toHaveLength(SEED_INCIDENTS);
  });

  it('shows the December 2023 tit-for-tat: two diplomats expelled each way, none unanswered, at its height at noon on the 28th', async () => {
    await loadSeeds(t.app);

    const response = await t.request('GET', '/relations/AZE/FRA');

    expect(response.status).toBe(200);
    expect(response.json.at).toBe(STORY_END);
    expect(response.json.sides).toEqual([
      expect.objectContaining({ country: 'AZE', diplomatsExpelled: 2, expulsions: 1, unansweredExpulsions: 0 }),
      expect.objectContaining({ country: 'FRA', diplomatsExpelled: 2, expulsions: 1, unansweredExpulsions: 0 }),
    ]);
    expect(response.json.countsByType).toMatchObject({ DiplomatsExpelled: 1, ReciprocalExpulsion: 1 });
    // Recorded on the 28th, France's answer and its summons in protest ("2023-12") can only have happened between
    // Azerbaijan's expulsion (26th, noon) and then: they count from the 27th, fresh. At noon on the 28th the
    // exchange is at its height, on the crisis threshold (55.1); by the end of the day it reads strained.
    expect(response.json.escalation).toMatchObject({ score: 55.1, level: 'crisis', conditions: [] });
    const endOfDay = await t.request('GET', '/relations/AZE/FRA?asOf=2023-12-28');
    expect(endOfDay.json.escalation.level).toBe('strained');
  });
});

describe('restarting on the same file', () => {
  it('serves byte-identical relations and incidents, and the seeds stay loaded once', async () => {
    const first = await startTestApp({ clock: fixedClock(STORY_END) });
    await loadSeeds(first.app);
    const before = await Promise.all(VIEWS.map((path) => first.request('GET', path)));
    await first.close({ keep: true });

    const restarted = await startTestApp({ file: first.file, clock: fixedClock(STORY_END) });
    try {
      const after = await Promise.all(VIEWS.map((path) => restarted.request('GET', path)));
      const reloaded = await loadSeeds(restarted.app);

      expect(before.map((response) => response.status)).toEqual([200, 200, 200]);
      expect(before[2].json.items).toHaveLength(SEED_INCIDENTS);
      after.forEach((response, i) => {
        expect(response.status).toBe(200);
        expect(response.text).toBe(before[i].text);
      });
      expect(reloaded).toEqual({ recorded: 0, alreadyPresent: SEED_INCIDENTS });
      expect(countEvents(first.file)).toBe(SEED_INCIDENTS);
    } finally {
      await restarted.close();
      rmSync(first.dir, { recursive: true, force: true });
    }
  });
});
