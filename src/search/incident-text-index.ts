import Database from 'better-sqlite3';
import type { Source } from '../domain/incident.js';

/** What the index keeps of one incident: enough to filter and order without reading the store. */
export interface IndexedIncident {
  incidentId: string;
  position: string;
  actor: string;
  target: string;
  type: string;
  /** Start of the reported occurrence period, epoch ms: the order of `sort=occurred`. */
  occurredMs: number;
  summary: string;
  sources: readonly Source[];
}

export type SearchOrder = 'reported' | '-reported' | 'occurred' | '-occurred' | 'relevance';

export interface SearchCriteria {
  /** Words typed by the analyst; each must appear (as a word or the start of one) in the summary or a source. */
  text?: string;
  actor?: string;
  target?: string;
  /** Either side of the incident. */
  country?: string;
  /** Both countries of the pair, in key order. */
  pair?: readonly [string, string];
  type?: string;
  includeRetracted: boolean;
  order: SearchOrder;
  /** Continue after this incident (its position), in the same order. */
  afterPosition?: string;
  limit: number;
}

/**
 * A full-text and facet index of the incidents, in an in-memory SQLite database with FTS5.
 * It holds only what it is fed (see search-index.feed.ts), so it works the same whatever event
 * store is configured; it is rebuilt at every start (the seed story indexes in milliseconds, and
 * 100,000 incidents in about two seconds), which spares it a persistence and invalidation story.
 *
 * `porter unicode61 remove_diacritics 2`: "expel" finds "expels" and "expelled", "Genève" finds
 * "Geneve"; every typed word is quoted (so FTS5 operators typed by a user are plain words) and
 * matched as a prefix, the way a search box is expected to behave while one types.
 */
export class IncidentTextIndex {
  private readonly db = new Database(':memory:');
  private readonly statements;

  constructor() {
    this.db.exec(`
      CREATE TABLE incident (
        seq INTEGER PRIMARY KEY, incident_id TEXT NOT NULL UNIQUE, position TEXT NOT NULL UNIQUE,
        actor TEXT NOT NULL, target TEXT NOT NULL, type TEXT NOT NULL, occurred_ms INTEGER NOT NULL,
        retracted INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX incident_actor ON incident(actor, seq);
      CREATE INDEX incident_target ON incident(target, seq);
      CREATE INDEX incident_occurred ON incident(occurred_ms, seq);
      CREATE VIRTUAL TABLE incident_text USING fts5(summary, sources, tokenize = 'porter unicode61 remove_diacritics 2');
    `);
    this.statements = {
      insert: this.db.prepare(
        'INSERT OR IGNORE INTO incident (incident_id, position, actor, target, type, occurred_ms) VALUES (@incidentId, @position, @actor, @target, @type, @occurredMs)',
      ),
      insertText: this.db.prepare('INSERT INTO incident_text (rowid, summary, sources) VALUES (?, ?, ?)'),
      seqOf: this.db.prepare<[string], { seq: number }>('SELECT seq FROM incident WHERE incident_id = ?'),
      rowAt: this.db.prepare<[string], { seq: number; occurred_ms: number; incident_id: string }>('SELECT seq, occurred_ms, incident_id FROM incident WHERE position = ?'),
      setOccurred: this.db.prepare('UPDATE incident SET occurred_ms = ? WHERE seq = ?'),
      setText: this.db.prepare('UPDATE incident_text SET summary = coalesce(?, summary), sources = coalesce(?, sources) WHERE rowid = ?'),
      retract: this.db.prepare('UPDATE incident SET retracted = 1 WHERE seq = ?'),
      count: this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM incident'),
    };
  }

  add(incident: IndexedIncident): void {
    const inserted = this.statements.insert.run({ ...incident });
    if (inserted.changes === 0) return;
    this.statements.insertText.run(inserted.lastInsertRowid, incident.summary, sourcesText(incident.sources));
  }

  /** A correction: only the fields it names change. */
  correct(incidentId: string, changes: { summary?: string; sources?: readonly Source[]; occurredMs?: number }): void {
    const row = this.statements.seqOf.get(incidentId);
    if (!row) return;
    if (changes.occurredMs !== undefined) this.statements.setOccurred.run(changes.occurredMs, row.seq);
    if (changes.summary !== undefined || changes.sources !== undefined) {
      this.statements.setText.run(changes.summary ?? null, changes.sources ? sourcesText(changes.sources) : null, row.seq);
    }
  }

  retract(incidentId: string): void {
    const row = this.statements.seqOf.get(incidentId);
    if (row) this.statements.retract.run(row.seq);
  }

  get size(): number {
    return this.statements.count.get()!.n;
  }

  /** The incident reported at `position`, if the index holds it (so also: whether a cursor can continue from it). */
  incidentAt(position: string): string | undefined {
    return this.statements.rowAt.get(position)?.incident_id;
  }

  /**
   * Positions of the matching incidents, in order, at most `limit + 1` (so the caller knows
   * whether there is a next page). Built from fixed SQL pieces; every value is a bound parameter.
   */
  search(criteria: SearchCriteria): string[] {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    const match = criteria.text === undefined ? undefined : matchExpression(criteria.text);
    if (criteria.text !== undefined && match === undefined) return [];
    if (match !== undefined) {
      where.push('incident_text MATCH @match');
      params.match = match;
    }
    if (criteria.actor) (where.push('i.actor = @actor'), (params.actor = criteria.actor));
    if (criteria.target) (where.push('i.target = @target'), (params.target = criteria.target));
    if (criteria.country) (where.push('(i.actor = @country OR i.target = @country)'), (params.country = criteria.country));
    if (criteria.pair) {
      where.push('((i.actor = @pairA AND i.target = @pairB) OR (i.actor = @pairB AND i.target = @pairA))');
      [params.pairA, params.pairB] = criteria.pair;
    }
    if (criteria.type) (where.push('i.type = @type'), (params.type = criteria.type));
    if (!criteria.includeRetracted) where.push('i.retracted = 0');

    const { key, descending } = orderKey(criteria.order, match !== undefined);
    if (criteria.afterPosition !== undefined) {
      const after = this.keyAt(criteria.afterPosition, key, match);
      if (after === undefined) return [];
      // Keyset paging: strictly after the last row of the previous page in (key, seq) order.
      const cmp = descending ? '<' : '>';
      where.push(`(${key} ${cmp} @afterKey OR (${key} = @afterKey AND i.seq ${cmp} @afterSeq))`);
      params.afterKey = after.key;
      params.afterSeq = after.seq;
    }
    const direction = descending ? 'DESC' : 'ASC';
    const from = match !== undefined ? 'incident_text JOIN incident i ON i.seq = incident_text.rowid' : 'incident i';
    const sql = `SELECT i.position FROM ${from} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}
      ORDER BY ${key} ${direction}, i.seq ${direction} LIMIT ${Math.trunc(criteria.limit) + 1}`;
    return this.db.prepare<Record<string, string | number>, { position: string }>(sql).all(params).map((row) => row.position);
  }

  close(): void {
    this.db.close();
  }

  private keyAt(position: string, key: string, match: string | undefined): { key: number; seq: number } | undefined {
    const row = this.statements.rowAt.get(position);
    if (!row) return undefined;
    if (key === 'i.seq') return { key: row.seq, seq: row.seq };
    if (key === 'i.occurred_ms') return { key: row.occurred_ms, seq: row.seq };
    const ranked = this.db
      .prepare<[string, number], { rank: number }>('SELECT rank FROM incident_text WHERE incident_text MATCH ? AND rowid = ?')
      .get(match!, row.seq);
    return ranked ? { key: ranked.rank, seq: row.seq } : undefined;
  }
}

function orderKey(order: SearchOrder, hasText: boolean): { key: string; descending: boolean } {
  switch (order) {
    case 'reported':
      return { key: 'i.seq', descending: false };
    case '-reported':
      return { key: 'i.seq', descending: true };
    case 'occurred':
      return { key: 'i.occurred_ms', descending: false };
    case '-occurred':
      return { key: 'i.occurred_ms', descending: true };
    case 'relevance':
      // FTS5's rank is bm25, smaller is better; without words to rank by, newest first.
      return hasText ? { key: 'incident_text.rank', descending: false } : { key: 'i.seq', descending: true };
    default: {
      const never: never = order;
      throw new Error(`Unknown order ${String(never)}`);
    }
  }
}

/** Words of the query as quoted prefix terms joined by AND; undefined when it holds no word at all. */
export function matchExpression(text: string): string | undefined {
  const words = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu);
  if (!words) return undefined;
  return words.map((word) => `"${word}"*`).join(' AND ');
}

function sourcesText(sources: readonly Source[]): string {
  return sources.map((source) => [source.publisher, source.title, source.url].filter(Boolean).join(' ')).join('\n');
}
