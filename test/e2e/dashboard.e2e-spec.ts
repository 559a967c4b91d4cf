import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});

afterAll(async () => {
  await t.close();
});

describe('the dashboard, as files', () => {
  it('serves the overview at / and the pair page at /pairs/{A-B}, under a policy that forbids anything inline', async () => {
    for (const path of ['/', '/pairs/AZE-FRA', '/pairs/AZE-FRA?asOf=2023-12-28']) {
      const page = await t.request('GET', path);
      expect([path, page.status]).toEqual([path, 200]);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toMatch(/style-src 'self'(;|$)/);
      // Nothing inline that such a policy would block: no <script> bodies, no <style>, no style="" or on…="".
      expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(page.text).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    }
  });

  it('serves its scripts, styles and uPlot (minified) from node_modules under content-versioned URLs, cached for good', async () => {
    const page = await t.request('GET', '/pairs/AZE-FRA');
    const referenced = [...page.text.matchAll(/(?:src|href)="(\/static\/[^"]+)"/g)].map((m) => m[1]);
    const version = /^\/static\/([\w-]+)\//.exec(referenced[0])![1];
    expect(referenced).toEqual(expect.arrayContaining([`/static/${version}/vendor/uPlot.min.css`, `/static/${version}/css/dashboard.css`, `/static/${version}/js/pair.js`]));
    expect(page.text).not.toMatch(/"\/(assets|vendor)\//);
    for (const path of [...referenced, `/static/${version}/vendor/uPlot.min.js`, `/static/${version}/js/chart.js`]) {
      const response = await t.request('GET', path);
      expect([path, response.status]).toEqual([path, 200]);
      expect([path, response.headers.get('cache-control')]).toEqual([path, 'public, max-age=31536000, immutable']);
      expect(response.headers.get('etag')).toBeTruthy();
    }
    const script = await t.request('GET', `/static/${version}/js/chart.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.text).toContain("from '../vendor/uPlot.min.js'");
    const uplot = await t.request('GET', `/static/${version}/vendor/uPlot.min.js`);
    expect(uplot.text.length).toBeLessThan(60_000);
    expect(uplot.text).toMatch(/export default uPlot;\s*$/);
    // An old version (a page loaded before a deploy) still gets the scripts, but not to keep.
    const stale = await t.request('GET', '/static/an-old-version/js/chart.js');
    expect([stale.status, stale.headers.get('cache-control')]).toEqual([200, 'no-cache']);
    // The unversioned URLs still answer, revalidated by ETag.
    const unversioned = await t.request('GET', '/assets/js/chart.js');
    expect(unversioned.headers.get('cache-control')).toBe('no-cache');
    const again = await t.request('GET', '/assets/js/chart.js', undefined, { 'if-none-match': unversioned.headers.get('etag')! });
    expect(again.status).toBe(304);
  });

  it('compresses what is worth it: br or gzip as asked, for scripts and JSON above a kilobyte', async () => {
    const page = await t.request('GET', '/');
    const version = /\/static\/([\w-]+)\//.exec(page.text)![1];
    for (const [path, encoding] of [[`/static/${version}/vendor/uPlot.min.js`, 'br'], ['/docs-json', 'gzip']] as const) {
      const response = await fetch(t.url + path, { headers: { 'accept-encoding': encoding } });
      expect([path, response.headers.get('content-encoding')]).toEqual([path, encoding]);
      expect((await response.text()).length).toBeGreaterThan(1024);
    }
    const small = await fetch(t.url + '/health', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
  });

  it('serves nothing outside public/assets and only the uPlot files of node_modules', async () => {
    for (const path of ['/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/js', '/assets/nope.js', '/vendor/uplot/package.json', '/vendor/uplot/..%2fpackage.json', '/vendor/uplot/uPlot.esm.js', '/static/v1/..%2f..%2fpackage.json', '/static/v1/vendor/package.json']) {
      const response = await t.request('GET', path);
      expect([path, response.status]).toEqual([path, 404]);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(response.text).not.toContain('"dependencies"');
    }
  });

  it('serves the catalogue the report form is built from: types with their details schema, levels, countries', async () => {
    const response = await t.request('GET', '/catalog');
    expect(response.status).toBe(200);
    const expulsion = response.json.incidentTypes.find((t: any) => t.type === 'DiplomatsExpelled');
    expect(expulsion).toMatchObject({ cameo: '161', goldstein: -4, conflict: true, details: { required: ['diplomats'], properties: { diplomats: { type: 'integer' } } } });
    expect(response.json.incidentTypes.find((t: any) => t.type === 'AmbassadorRecalled').details).toBeNull();
    expect(response.json.levels.map((l: any) => [l.level, l.from, l.below])).toEqual([
      ['calm', 0, 10],
      ['friction', 10, 30],
      ['strained', 30, 55],
      ['crisis', 55, 80],
      ['rupture', 80, null],
    ]);
    expect(response.json.countries).toEqual(expect.arrayContaining([{ code: 'AZE', name: 'Azerbaijan' }, { code: 'FRA', name: 'France' }]));
  });

  it('serves the labels the dashboard shows, so it keeps no copy: incident types, relation and ambassador statuses', async () => {
    const response = await t.request('GET', '/catalog');
    expect(response.json.incidentTypes.find((t: any) => t.type === 'DiplomatsExpelled').label).toBe('Diplomats expelled');
    expect(response.json.incidentTypes.every((t: any) => typeof t.label === 'string' && t.label.length > 0)).toBe(true);
    expect(response.json.relationsStatuses).toEqual([
      { status: 'normal', label: 'Normal' },
      { status: 'downgraded', label: 'Downgraded' },
      { status: 'severed', label: 'Severed' },
    ]);
    expect(response.json.ambassadorStatuses).toEqual([
      { status: 'in_post', label: 'In post' },
      { status: 'recalled', label: 'Recalled' },
      { status: 'expelled', label: 'Expelled' },
      { status: 'vacant', label: 'Post vacant' },
    ]);
  });
});

describe('the site navigation', () => {
  const pages: [path: string, current: string | null][] = [
    ['/', 'Relations'],
    ['/pairs/AZE-FRA', null],
    ['/explore', 'Incidents'],
    ['/countries/FRA', null],
    ['/map', 'Map'],
    ['/review', 'Review'],
    ['/alerts', 'Alerts'],
    ['/about/methodology', 'Methodology'],
  ];

  it.each(pages)('%s offers every page, marking the one shown', async (path, current) => {
    const page = await t.request('GET', path);
    const nav = page.text.match(/<nav aria-label="Site">[\s\S]*?<\/nav>/)?.[0] ?? '';
    const links = [...nav.matchAll(/<a [^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(links).toEqual(['Relations', 'Incidents', 'Map', 'Review', 'Alerts', 'Methodology', 'API docs']);
    const marked = [...nav.matchAll(/<a [^>]*aria-current="page"[^>]*>([^<]+)<\/a>/g)].map((m) => m[1]);
    expect(marked).toEqual(current === null ? [] : [current]);
  });
});
