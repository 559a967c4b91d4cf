import type { RelationsReadModel } from '../src/projections/relations.read-model.js';
import { SerialisedViews } from '../src/relations/serialised-views.js';
import { securityHeaders } from '../src/http/security-headers.js';
import { CONTENT_SECURITY_POLICY } from '../src/http/http-hardening.js';

const model = () => ({}) as RelationsReadModel;

describe('the cache of serialised views', () => {
  it('keeps at most 2,000 bodies, dropping the least recently used first', () => {
    const views = new SerialisedViews();
    const m = model();
    for (let i = 0; i < 2_000; i++) views.set(m, `k${i}`, `{"i":${i}}`);
    expect(views.get(m, 'k0')).toBe('{"i":0}');

    views.set(m, 'one more', '{}');

    expect(views.size).toBe(2_000);
    expect(views.get(m, 'k0')).toBe('{"i":0}');
    expect(views.get(m, 'k1')).toBeUndefined();
  });

  it('keeps at most 8 MB, and never one body over half a megabyte', () => {
    const views = new SerialisedViews();
    const m = model();
    const body = 'x'.repeat(400 * 1024);
    for (let i = 0; i < 30; i++) views.set(m, `k${i}`, body);
    expect(views.size).toBe(20);
    views.set(m, 'huge', 'x'.repeat(600 * 1024));
    expect(views.get(m, 'huge')).toBeUndefined();
  });

  it('forgets everything when the read model is replaced (a rebuild may repeat revisions with other contents)', () => {
    const views = new SerialisedViews();
    const before = model();
    views.set(before, 'AZE-FRA|3||2024-01-01', '{"old":true}');

    expect(views.get(model(), 'AZE-FRA|3||2024-01-01')).toBeUndefined();
    expect(views.size).toBe(0);
  });
});

describe('the security headers worked out once', () => {
  it('are helmet’s for our policy: the CSP, framing, sniffing and the rest', () => {
    const headers = new Map(securityHeaders({ contentSecurityPolicy: CONTENT_SECURITY_POLICY }).map(([name, value]) => [name.toLowerCase(), value]));
    expect(headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('x-content-type-options')).toBe('nosniff');
    expect(headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });
});
