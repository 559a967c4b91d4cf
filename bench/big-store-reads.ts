/** The reads bench:read measures on the 1M-event store, in its order; shared with bench/read-footprint.bench.ts. */
export interface Read {
  label: string;
  path: string;
  /** Rate reads load the server; latency reads ask one at a time. */
  kind: 'rate' | 'latency';
  /**
   * The path of the real server's n-th request, when each must be a question not asked before
   * (an answer that is never kept: what a first request costs). The bare server answers `path`'s
   * bytes every time.
   */
  fresh?: (n: number) => string;
}

export function bigReads([a, b]: [string, string]): Read[] {
  return [
    { label: 'current view, busiest pair', path: `/relations/${a}/${b}`, kind: 'rate' },
    { label: 'as-of', path: `/relations/${a}/${b}?asOf=2020-06-30`, kind: 'rate' },
    { label: 'known-at', path: `/relations/${a}/${b}?knownAt=2020-06-30`, kind: 'rate' },
    { label: 'known-at', path: `/relations/${a}/${b}?knownAt=2020-06-30`, kind: 'latency' },
    { label: 'first page of pairs', path: '/relations?limit=50', kind: 'latency' },
    { label: 'last page of pairs', path: '/relations?limit=50&offset=4950', kind: 'latency' },
    { label: 'all 5,000 pairs', path: '/relations', kind: 'latency' },
    { label: 'daily timeline over 2020', path: `/relations/${a}/${b}/timeline?from=2020-01-01&to=2020-12-31&interval=day`, kind: 'latency' },
    // The same year, starting a minute later on each request: a question never asked before, so never a kept answer.
    {
      label: 'daily timeline over 2020, never kept',
      path: `/relations/${a}/${b}/timeline?from=2020-01-01T00:00:00.000Z&to=2020-12-31&interval=day`,
      kind: 'latency',
      fresh: (n) => `/relations/${a}/${b}/timeline?from=${new Date(Date.UTC(2020, 0, 1) + (n + 1) * 60_000).toISOString()}&to=2020-12-31&interval=day`,
    },
    // The same year with every incident listed (before incidents=top became the default, the only answer).
    { label: 'daily timeline over 2020, every incident', path: `/relations/${a}/${b}/timeline?from=2020-01-01&to=2020-12-31&interval=day&incidents=all`, kind: 'latency' },
    { label: 'overview, first page', path: '/relations/overview?limit=50', kind: 'latency' },
    { label: 'overview, all pairs', path: '/relations/overview?limit=5000', kind: 'latency' },
  ];
}
