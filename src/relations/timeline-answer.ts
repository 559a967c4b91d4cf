import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import type { TimelineInterval } from '../domain/timeline.js';
import type { TimelinePointResponse, TimelineResponse } from '../docs/responses/timeline.responses.js';
import { csvChunks, csvHeaders, toCsv } from '../export/csv.js';
import { TIMELINE_COLUMNS } from '../export/export-columns.js';
import type { HeadlinedTimelinePoint, TimelineSweep } from '../projections/queries/timeline.query.js';
import { sendEncoded, type EncodedBody } from '../http/kept-encodings.js';
import { JSON_TYPE } from './relation-view-answer.js';
import { timelineJson, type TimelineJson } from './timeline-kept.js';
import { collected, jsonEndingWithArray, mapped, streamed } from './streamed-list.js';

/**
 * Incidents a timeline may list and still be built whole: about 1 MB of JSON (an incident's
 * headline is about 500 bytes). Every tooltip listing (3 a point) of a daily year is under it,
 * so the chart's timelines keep their Content-Length; `incidents=all` over a busy span (30,000
 * incidents, 15.7 MB, for the busiest pair's year on the 1M store) is sent as it is read.
 */
export const LONGEST_TIMELINE_LISTING_BUILT_WHOLE = 2_000;

/** What a timeline answer says before its points. */
export interface TimelineHead {
  pair: readonly string[];
  interval: TimelineInterval;
  from: string;
  to: string;
}

/** A point as served: its instant as ISO text, each incident as its headline. */
export function servedPoint(point: HeadlinedTimelinePoint): TimelinePointResponse {
  return {
    at: new Date(point.atMs).toISOString(),
    score: point.score,
    level: point.level,
    incidentCount: point.incidentCount,
    incidents: point.incidents,
  };
}

/**
 * The timeline as JSON or CSV (`csvName` given): built whole when its listing is short, else sent
 * point by point as the client reads (streamed-list.ts: same bytes, backpressure, a failure before
 * the first piece still a problem, one after it a cut connection).
 *
 * JSON built whole is serialised here and compressed in one call (`encodingOf`: the encoding
 * @fastify/compress would pick), then handed to `whole` (to be kept) and sent with its length: the
 * plugin streamed a 294 KB daily year through zlib in pieces, about twice the time of one call.
 */
export async function timelineAnswer(
  reply: FastifyReply,
  head: TimelineHead,
  sweep: TimelineSweep | undefined,
  csvName: string | undefined,
  encodingOf: (bytes: number) => EncodedBody['encoding'] | undefined,
  whole?: (json: ReturnType<typeof timelineJson>) => void,
): Promise<TimelineResponse | string | Readable | Buffer> {
  const points = mapped(sweep?.points ?? noPoints(), servedPoint);
  const long = (sweep?.listed ?? 0) > LONGEST_TIMELINE_LISTING_BUILT_WHOLE;
  if (csvName !== undefined) {
    csvHeaders(reply, csvName);
    return long ? streamed(csvChunks(TIMELINE_COLUMNS, points)) : toCsv(TIMELINE_COLUMNS, await collected(points));
  }
  if (long) {
    reply.header('content-type', JSON_TYPE);
    return streamed(jsonEndingWithArray(head, 'points', points));
  }
  const json = timelineJson(JSON.stringify({ ...head, points: await collected(points) }), encodingOf);
  whole?.(json);
  return sentJson(reply, json);
}

/** A timeline's JSON on `reply`: as is, or its compressed bytes with the headers the plugin would give them. */
export function sentJson(reply: FastifyReply, json: TimelineJson): string | Buffer {
  reply.header('content-type', JSON_TYPE);
  return json.encoded === undefined ? json.body : sendEncoded(reply, json.encoded);
}

async function* noPoints(): AsyncGenerator<HeadlinedTimelinePoint> {}
