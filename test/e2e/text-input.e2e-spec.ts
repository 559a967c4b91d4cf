import { countEvents, fixedClock, startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The other side of the text rules in bad-input.e2e-spec.ts: legitimate text in any script
 * survives — right-to-left text with its direction marks, emoji sequences with their joiners,
 * accents — and is stored in one form: NFC, without surrounding white space, LF line ends.
 */

const NOW = '2024-06-01T12:00:00.000Z';

/** What an analyst pastes: accents typed as a letter plus a combining mark, spaces around, RTL text with its marks. */
const pasted = {
  type: 'Accusation',
  actor: 'QAT',
  target: 'ISR',
  occurredOn: '2024-05-20',
  summary: '  Doha accuses Israel: \u00ab\u0642\u0637\u0631 \u062a\u0633\u062a\u062f\u0639\u064a \u0627\u0644\u0633\u0641\u064a\u0631\u200f\u00bb (2024) \ud83c\uddf6\ud83c\udde6\u2194\ufe0f\ud83c\uddee\ud83c\uddf1 \ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67 Cafe\u0301  ',
  sources: [
    { publisher: '\u00a0Al\u00a0Jazeera Arabic ', title: '\u200f\u05e9\u05dc\u05d5\u05dd \u05e2\u05db\u05e9\u05d9\u05d5\u200e 2024 \u061c\u0661\u0662', url: 'https://ar.example.org/\u0642\u0637\u0631?q=1', publishedOn: '2024-05-21' },
  ],
  details: { speaker: ' Zoe\u0308 Martin-Ru\u0301iz\t', quote: '  First paragraph.\r\nSecond\tline,\n\nthird paragraph.\n ' },
};

/** The same, as it must be stored and served. */
const stored = {
  summary: 'Doha accuses Israel: \u00ab\u0642\u0637\u0631 \u062a\u0633\u062a\u062f\u0639\u064a \u0627\u0644\u0633\u0641\u064a\u0631\u200f\u00bb (2024) \ud83c\uddf6\ud83c\udde6\u2194\ufe0f\ud83c\uddee\ud83c\uddf1 \ud83d\udc69\u200d\ud83d\udc69\u200d\ud83d\udc67 Caf\u00e9',
  sources: [
    { publisher: 'Al\u00a0Jazeera Arabic', title: '\u200f\u05e9\u05dc\u05d5\u05dd \u05e2\u05db\u05e9\u05d9\u05d5\u200e 2024 \u061c\u0661\u0662', url: 'https://ar.example.org/\u0642\u0637\u0631?q=1', publishedOn: '2024-05-21' },
  ],
  details: { speaker: 'Zo\u00eb Martin-R\u00faiz', quote: 'First paragraph.\nSecond\tline,\n\nthird paragraph.' },
};

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ clock: fixedClock(NOW) });
});

afterAll(async () => {
  await t.close();
});

/** The data of the last event in the log, as the store holds it. */
async function lastEventData(): Promise<Record<string, any>> {
  const page = await t.request('GET', '/events?limit=1000');
  expect(page.status).toBe(200);
  return page.json.events.at(-1).data;
}

describe('text that is legitimate', () => {
  let incidentId: string;

  it('is recorded NFC-normalised and trimmed, with RTL marks, emoji joiners and inner spaces kept', async () => {
    const before = countEvents(t.file);

    const response = await t.request('POST', '/incidents', pasted);

    expect(response.status).toBe(201);
    expect(countEvents(t.file)).toBe(before + 1);
    incidentId = response.json.incidentId;
    expect(await lastEventData()).toMatchObject(stored);
    const incident = await t.request('GET', `/incidents/${incidentId}`);
    expect(incident.json).toMatchObject(stored);
    expect(incident.json.summary).toHaveLength(stored.summary.length);
  });

  it('is normalised the same way in a correction: summary, details and reason', async () => {
    const response = await t.request('POST', `/incidents/${incidentId}/correction`, {
      reason: ' Date and spelling\r\nchecked against the ministry\u2019s statement. ',
      summary: ' Doha accuses Israel of violating the truce (Cafe\u0301 talks) ',
      details: { speaker: 'Mouna\u0308 ', quote: '\n\u05e9\u05dc\u05d5\u05dd\u200f.\n' },
    });

    expect(response.status).toBe(201);
    expect(await lastEventData()).toMatchObject({
      reason: 'Date and spelling\nchecked against the ministry\u2019s statement.',
      changes: { summary: 'Doha accuses Israel of violating the truce (Caf\u00e9 talks)', details: { speaker: 'Moun\u00e4', quote: '\u05e9\u05dc\u05d5\u05dd\u200f.' } },
    });
    const incident = await t.request('GET', `/incidents/${incidentId}`);
    expect(incident.json).toMatchObject({ summary: 'Doha accuses Israel of violating the truce (Caf\u00e9 talks)', details: { speaker: 'Moun\u00e4', quote: '\u05e9\u05dc\u05d5\u05dd\u200f.' } });
  });

  it('counts the length of what is stored: 280 characters inside spaces are accepted', async () => {
    const response = await t.request('POST', '/incidents', { ...pasted, summary: `   ${'e\u0301'.repeat(280)}   ` });

    expect(response.status).toBe(201);
    expect((await lastEventData()).summary).toBe('\u00e9'.repeat(280));
  });

  it('accepts a source published today, at the precision given', async () => {
    const response = await t.request('POST', '/incidents', { ...pasted, sources: [{ publisher: 'Wire', publishedOn: NOW.slice(0, 10) }] });

    expect(response.status).toBe(201);
  });
});
