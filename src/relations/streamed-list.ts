import { Readable } from 'node:stream';

/**
 * Pairs a list may hold and still be built whole: JSON text of up to about 400 KB (a pair is
 * 1.5–2.5 KB), under the half megabyte of a kept list (relation-list-answers.ts). A longer list
 * (every pair of the 1M store: 5,000 pairs, 8.9 MB; its overview, 12.8 MB) is sent as it is
 * described, so the heap never holds all its views and their JSON at once: built whole, those two
 * answers grew the V8 heap by 130 MB, which V8 then kept.
 */
export const LONGEST_LIST_BUILT_WHOLE = 200;

/**
 * Text gathered before it is handed to the response: one write per 64 KB rather than per pair
 * (5,000 small writes, each a chunk of its own in HTTP's chunked encoding and in compression).
 */
const CHUNK_CHARS = 64 * 1024;

/**
 * `JSON.stringify({ ...head, items: [...items] })`, byte for byte, in pieces of about 64 KB, each
 * item serialised when it is read. `items` comes last, as every list response has it.
 */
export function jsonWithItems(head: object, items: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<string> {
  return jsonEndingWithArray(head, 'items', items);
}

/**
 * `JSON.stringify({ ...head, [key]: [...items] })`, byte for byte, in pieces of about 64 KB: the
 * array under `key` last (a list's `items`, a timeline's `points`), each item serialised when read.
 */
export async function* jsonEndingWithArray(head: object, key: string, items: AsyncIterable<unknown> | Iterable<unknown>): AsyncGenerator<string> {
  // The head with an empty array, cut before its closing "]}": `{"at":…,"items":[`.
  let pending = JSON.stringify({ ...head, [key]: [] }).slice(0, -2);
  let first = true;
  for await (const item of items) {
    pending += first ? JSON.stringify(item) : `,${JSON.stringify(item)}`;
    first = false;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  yield `${pending}]}`;
}

/** `items` each passed through `f` as they are read. */
export async function* mapped<T, U>(items: AsyncIterable<T>, f: (item: T) => U): AsyncGenerator<U> {
  for await (const item of items) yield f(item);
}

/** Every piece of `chunks`, joined: the text of a list short enough to build whole. */
export async function textOf(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

/**
 * A response body that reads `chunks` as the client takes them (a Readable pulls the next piece
 * only when the socket, or compression, has room: backpressure holds). Its first piece is worked
 * out before the body is handed over, so anything that fails early (the store unavailable) is
 * still answered as problem+json. A failure later, once the 200 and its headers are sent, cuts
 * the connection before the last chunk: the client sees an incomplete response, never a whole
 * 200 with half a document. A client that goes away stops the sweep (the generator is returned).
 */
export async function streamed(chunks: AsyncGenerator<string>): Promise<Readable> {
  const first = await chunks.next();
  async function* all(): AsyncGenerator<string> {
    if (first.done) return;
    yield first.value;
    yield* chunks;
  }
  return Readable.from(all(), { objectMode: false });
}

/** Every item of `items`, in an array: for an answer built whole (CSV). */
export async function collected<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
