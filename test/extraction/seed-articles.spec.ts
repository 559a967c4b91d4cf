import { readFileSync } from 'node:fs';
import { extractIncidents } from '../../src/extraction/extract.js';
import { sharedFile } from '../../bench/shared-data.js';

describe('the seed articles', () => {
  it('prints', () => {
    for (const [file, publishedOn] of [['000_7265cf855958d769.txt', '2023-12-27'], ['002_63eb337d2ba5c646.txt', '2023-12-28']] as const) {
      const result = extractIncidents({ text: readFileSync(sharedFile('seeds', file), 'utf8'), publishedOn });
      for (const p of result.proposals) console.log(`${p.type} ${p.actor}->${p.target} ${p.occurredOn} ${JSON.stringify(p.details)} ${p.confidence}\n   ${p.why}\n   «${p.evidence.sentence.text.slice(0, 120)}»`);
    }
  });
});
