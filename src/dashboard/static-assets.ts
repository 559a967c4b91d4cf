import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Where the versioned copies of the assets live: /static/<version>/js/chart.js. */
export const STATIC_PREFIX = '/static/';

export interface AssetFile {
  body: Buffer;
  /** For the content type. */
  name: string;
}

/**
 * The dashboard's assets (public/assets) and uPlot, and the version that names them. The version
 * is a hash of every byte served under it, so a URL that carries it always means the same bytes
 * and may be cached for good (`immutable`); a page is rewritten to ask for the versioned URLs.
 * The scripts import one another by relative paths, so one version for the whole directory keeps
 * every import inside it. Read on each use (they are small, ~200 KB), so edits show on reload.
 */
export class StaticAssets {
  private readonly uplot = dirname(createRequire(import.meta.url).resolve('uplot/dist/uPlot.esm.js'));

  constructor(private readonly assets: string) {}

  /** uPlot as served: its own minified build (51 KB, against 145 KB for the ES module) made an ES module by one export. */
  vendor(name: string): AssetFile | undefined {
    if (name === 'uPlot.min.js') return { name, body: Buffer.concat([readFileSync(join(this.uplot, 'uPlot.iife.min.js')), Buffer.from('\nexport default uPlot;\n')]) };
    if (name === 'uPlot.min.css') return { name, body: readFileSync(join(this.uplot, 'uPlot.min.css')) };
    return undefined;
  }

  /** A file below public/assets, or uPlot under vendor/; undefined for anything else (`..`, directories, absolute paths). */
  file(path: string): AssetFile | undefined {
    if (path.startsWith('vendor/')) return this.vendor(path.slice('vendor/'.length));
    const file = resolve(this.assets, path);
    if (relative(this.assets, file).split(sep).includes('..') || !existsSync(file) || !statSync(file).isFile()) return undefined;
    return { name: file, body: readFileSync(file) };
  }

  /** Hash of every file that a version names, vendor files included. */
  version(): string {
    const hash = createHash('sha256');
    for (const path of this.paths()) hash.update(path).update(this.file(path)!.body);
    return hash.digest('base64url').slice(0, 12);
  }

  /** A page with its asset and uPlot URLs turned into versioned ones. */
  versionedPage(html: Buffer, version = this.version()): Buffer {
    return Buffer.from(
      html
        .toString('utf8')
        .replaceAll('"/vendor/uplot/', `"${STATIC_PREFIX}${version}/vendor/`)
        .replaceAll('"/assets/', `"${STATIC_PREFIX}${version}/`),
    );
  }

  private paths(): string[] {
    const walk = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true })
        .flatMap((entry) => (entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)]))
        .sort();
    return [...walk(this.assets).map((file) => relative(this.assets, file).split(sep).join('/')), 'vendor/uPlot.min.js', 'vendor/uPlot.min.css'];
  }
}
