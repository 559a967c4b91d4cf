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

/** One change the log makes to the index (index-change.ts makes them from events). */
export type IndexChange =
  | ({ kind: 'add' } & IndexedIncident)
  | { kind: 'correct'; incidentId: string; summary?: string; sources?: readonly Source[]; occurredMs?: number }
  | { kind: 'retract'; incidentId: string };

/** A matching incident: where it was reported in the log (the cursor) and its id. */
export interface SearchHit {
  position: string;
  incidentId: string;
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
 * Most of the index SQLite keeps in the process's memory; the OS caches the rest of the file, so a
 * larger cache buys little: 300,000 incidents indexed in 9.3 s and 9.0 s, 50 relevance searches in
 * 2.0 s and 2.1 s, with 32 MB and 8 MB, for an RSS of 101 and 73 MB (5 December 2026).
 */
const PAGE_CACHE_KIB = 8 * 1024;

/**
 * A full-text and facet index of the incidents, in a temporary SQLite database with FTS5.
 * It holds only what it is fed (see incident-search.service.ts), so it works the same whatever event
 * store is configured; it is rebuilt at every start, which spares it a persistence and
 * invalidation story. `npm run bench:search` measures it: on the shared 2-core development
 * machine, 100,000 generated incidents indexed in 1.7 s in pages of 1,000 (11.4 s one statement at
 * a time; 2-7× apart from run to run under load), and a page of a common word by relevance over
 * 50,000 took ~0.1 s at the median (it ranks every match), a country by occurrence ~0.02 s.
 *
 * `porter unicode61 remove_diacritics 2`: "expel" finds "expels" and "expelled", "Genève" finds
 * "Geneve"; every typed word is quoted (so FTS5 operators typed by a user are plain words) and
 * matched as a prefix, the way a search box is expected to behave while one types.
 */
export class IncidentTextIndex {
  /**
   * A private temporary database (SQLite deletes its file when the connection closes, or the
   * process dies), not `:memory:`: on the 1M-event store the index is hundreds of MB, which an
   * in-memory database kept in the server's heap for good (RSS 1.1 GB after bench:read). On
   * disk, SQLite keeps at most PAGE_CACHE_KIB of it in memory and the OS caches the rest.
   */
  private readonly db = new Database('');
  private readonly statements;

  constructor() {
    this.db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    // Rebuilt at every start: nothing to recover after a crash, so no journal and no fsync.
    this.db.pragma('journal_mode = OFF');
    this.db.pragma('synchronous = OFF');
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

  /**
   * Applies the changes in order, in one transaction: all or none. Written together, FTS5 costs
   * about a seventh of what one statement per change does (bench:search).
   */
  apply(changes: readonly IndexChange[]): void {
    this.db.transaction(() => {
      for (const change of changes) this.applyOne(change);
    })();
  }

  add(incident: IndexedIncident): void {
    const inserted = this.statements.insert.run({
      incidentId: incident.incidentId,
      position: incident.position,
      actor: incident.actor,
      target: incident.target,
      type: incident.type,
      occurredMs: incident.occurredMs,
    });
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
   * The matching incidents, in order, at most `limit + 1` (so the caller knows whether there is
   * a next page). Built from fixed SQL pieces; every value is a bound parameter.
   */
  search(criteria: SearchCriteria): SearchHit[] {
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
    const direction = descending ? 'DESC' : 'ASC';
    const from = match !== undefined ? 'incident_text JOIN incident i ON i.seq = incident_text.rowid' : 'incident i';
    const matching = `SELECT i.position, i.incident_id, i.seq, ${key} AS sort_key FROM ${from} ${where.length ? 'WHERE ' + where.join(' AND ') : ''}`;
    let after = '';
    let last = '';
    if (criteria.afterPosition !== undefined) {
      // Keyset paging: strictly after the last row of the previous page in (key, seq) order.
      const cmp = descending ? '<' : '>';
      after = `WHERE matching.sort_key ${cmp} last.key OR (matching.sort_key = last.key AND matching.seq ${cmp} last.seq)`;
      if (key === RELEVANCE) {
        // bm25() is only right inside the full query (FTS5 answers a rowid lookup with another
        // figure), so the previous page's last score is read from the same matching rows.
        last = ', last AS (SELECT sort_key AS key, seq FROM matching WHERE position = @afterPosition)';
        params.afterPosition = criteria.afterPosition;
      } else {
        const row = this.keyAt(criteria.afterPosition, key);
        if (row === undefined) return [];
        last = ', last AS (SELECT @afterKey AS key, @afterSeq AS seq)';
        params.afterKey = row.key;
        params.afterSeq = row.seq;
      }
    }
    // MATERIALIZED: computed once, so SQLite cannot fold the keyset condition back into the FTS5 scan.
    const sql = `WITH matching AS MATERIALIZED (${matching})${last} SELECT matching.position, matching.incident_id AS incidentId FROM matching${last ? ', last' : ''} ${after}
      ORDER BY matching.sort_key ${direction}, matching.seq ${direction} LIMIT ${Math.trunc(criteria.limit) + 1}`;
    return this.db.prepare<Record<string, string | number>, SearchHit>(sql).all(params);
  }

  close(): void {
    this.db.close();
  }

  private applyOne(change: IndexChange): void {
    switch (change.kind) {
      case 'add':
        return this.add(change);
      case 'correct':
        return this.correct(change.incidentId, change);
      case 'retract':
        return this.retract(change.incidentId);
    }
  }

  private keyAt(position: string, key: string): { key: number; seq: number } | undefined {
    const row = this.statements.rowAt.get(position);
    if (!row) return undefined;
    return { key: key === 'i.occurred_ms' ? row.occurred_ms : row.seq, seq: row.seq };
  }
}

/** FTS5's BM25 score of a row: smaller is a better match. */
const RELEVANCE = 'bm25(incident_text)';

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
      // bm25: smaller is better; without words to rank by, newest first.
      return hasText ? { key: RELEVANCE, descending: false } : { key: 'i.seq', descending: true };
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
