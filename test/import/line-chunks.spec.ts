import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { lineChunks } from '../../src/import/formats/line-chunks.js';

async function readlineLines(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: Readable.from(chunks), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function chunkedLines(chunks: Buffer[]): Promise<string[]> {
  const lines: string[] = [];
  for await (const chunk of lineChunks(Readable.from(chunks))) lines.push(...chunk);
  return lines;
}

/** The text's bytes cut at the given offsets (which may fall inside a \r\n or a multi-byte character). */
function cut(text: string, offsets: number[]): Buffer[] {
  const bytes = Buffer.from(text, 'utf8');
  const ends = [...offsets.filter((at) => at > 0 && at < bytes.length).sort((a, b) => a - b), bytes.length];
  return ends.map((end, i) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end)).filter((part) => part.length > 0);
}

describe('lineChunks', () => {
  const texts = [
    'a\tb\nc\td\n',
    'no final break',
    'crlf\r\nlines\r\n\r\nwith an empty one\r\n',
    'lone\rreturn\rs\r',
    'ends with a return then a break\n\r',
    '\n\n\nleading empties',
    'é日本\nü\r\nλ',
    '',
  ];

  it('gives the lines readline gives, however the bytes are cut into chunks', async () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    for (const text of texts) {
      const length = Buffer.byteLength(text);
      const cuttings = [[], Array.from({ length: length + 1 }, (_, i) => i)];
      for (let trial = 0; trial < 30; trial++) cuttings.push(Array.from({ length: 3 }, () => Math.floor(random() * (length + 1))));
      for (const offsets of cuttings) {
        const chunks = cut(text, offsets);
        expect(await chunkedLines(chunks)).toEqual(await readlineLines(chunks));
      }
    }
  });
});
