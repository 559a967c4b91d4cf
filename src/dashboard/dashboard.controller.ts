import { contentSecurityPolicyHeader } from '../http/http-hardening.js';
import { Controller, Get, Headers, NotFoundException, Param, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../auth/requires-role.decorator.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorldMap } from './world-map.js';
import { STATIC_PREFIX, StaticAssets } from './static-assets.js';

/** Where a page's HTML takes the site's navigation. */
const SITE_NAV_MARKER = /<!-- site-nav: [^>]*-->/;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/**
 * The dashboard pages' policy: nothing inline, nothing from elsewhere. The dashboard is written
 * for it (no inline script, style or handler), and saying it here keeps that true even when the
 * app-wide security headers are relaxed for other routes.
 */
export const DASHBOARD_CSP = contentSecurityPolicyHeader();

/** public/ at the project root, found from this file whether it runs from src/ (tests) or dist/src/. */
export function publicDirectory(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'public', 'index.html'))) return join(dir, 'public');
  }
  throw new Error('public/ (the dashboard) not found above ' + fileURLToPath(import.meta.url));
}

/**
 * Serves the dashboard: its pages (overview, pair, incidents, country, map, methodology, review, alerts), the
 * map's outlines, their assets under /static/<version>/ (and, unversioned and revalidated, under
 * /assets/), uPlot minified under vendor/ there and under /vendor/uplot/.
 * Public even when reads need a key: these files hold no data, and the pages ask for the key.
 */
@ApiExcludeController()
@Public()
@Controller()
export class DashboardController {
  private readonly root = publicDirectory();
  private readonly assets = new StaticAssets(join(this.root, 'assets'));
  private worldMap: Buffer | undefined;

  @Get()
  overview(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.sendPage(join(this.root, 'index.html'), etag, reply, '/');
  }

  @Get('pairs/:pair')
  pair(@Param('pair') _pair: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    // The page reads the pair from its URL and says so itself when nothing is recorded for it.
    this.sendPage(join(this.root, 'pair.html'), etag, reply);
  }

  /** The versioned assets the pages ask for: the same bytes for as long as the URL exists, so cached for a year. */
  @Get('static/:version/*')
  versioned(@Param('version') version: string, @Req() request: FastifyRequest, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    const path = decodeURIComponent(request.url.split('?')[0].slice(`${STATIC_PREFIX}${version}/`.length));
    const file = this.assets.file(path);
    if (!file) throw new NotFoundException(`No dashboard asset ${path}`);
    // A page loaded before the assets changed may still ask for the old version: it gets today's bytes, not to be kept.
    const current = version === this.assets.version();
    this.send(file.name, file.body, etag, reply, current ? 'public, max-age=31536000, immutable' : 'no-cache');
  }

  @Get('explore')
  explore(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.sendPage(join(this.root, 'explore.html'), etag, reply, '/explore');
  }

  @Get('countries/:code')
  country(@Param('code') _code: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    // Like the pair page, the page reads its country from the URL and says so when it is not one.
    this.sendPage(join(this.root, 'country.html'), etag, reply);
  }

  @Get('map')
  map(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.sendPage(join(this.root, 'map.html'), etag, reply, '/map');
  }

  /** The countries' outlines for the map: the same for every request, so projected once, on first use. */
  @Get('map/world.json')
  worldShapes(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.worldMap ??= Buffer.from(JSON.stringify(buildWorldMap()));
    this.send('world.json', this.worldMap, etag, reply);
  }

  @Get('about/methodology')
  methodology(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.sendPage(join(this.root, 'methodology.html'), etag, reply, '/about/methodology');
  }

  /** Paste an article, review the incidents it proposes, record the accepted ones (public/assets/js/review.js). */
  @Get('review')
  review(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.sendPage(join(this.root, 'review.html'), etag, reply, '/review');
  }

  @Get('alerts')
  alerts(@Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    this.sendPage(join(this.root, 'alerts.html'), etag, reply, '/alerts');
  }

  @Get('assets/*')
  asset(@Req() request: FastifyRequest, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    const path = decodeURIComponent(request.url.split('?')[0].slice('/assets/'.length));
    // Only files below assets/: no `..`, no absolute paths, no directories.
    const file = this.assets.file(path);
    if (!file) throw new NotFoundException(`No dashboard asset ${path}`);
    this.send(file.name, file.body, etag, reply);
  }

  @Get('vendor/uplot/:file')
  uplot(@Param('file') name: string, @Headers('if-none-match') etag: string | undefined, @Res() reply: FastifyReply) {
    const file = this.assets.vendor(name);
    if (!file) throw new NotFoundException(`No vendor file ${name}`);
    this.send(file.name, file.body, etag, reply);
  }

  /**
   * A page, with the site's one navigation (public/partials/site-nav.html, the link to `current`
   * marked as the page shown) and pointing at this version of the assets; revalidated by ETag on
   * every load. Read on each request, as the pages are: edits show on reload.
   */
  private sendPage(file: string, ifNoneMatch: string | undefined, reply: FastifyReply, current?: string): void {
    const nav = readFileSync(join(this.root, 'partials', 'site-nav.html'), 'utf8').trimEnd();
    const marked = current === undefined ? nav : nav.replace(`<a href="${current}"`, `<a href="${current}" aria-current="page"`);
    const page = readFileSync(file, 'utf8').replace(SITE_NAV_MARKER, marked);
    this.send(file, this.assets.versionedPage(Buffer.from(page)), ifNoneMatch, reply);
  }

  private send(name: string, body: Buffer, ifNoneMatch: string | undefined, reply: FastifyReply, cacheControl = 'no-cache'): void {
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`;
    const type = CONTENT_TYPES[extname(name)] ?? 'application/octet-stream';
    reply.header('etag', etag).header('cache-control', cacheControl).header('x-content-type-options', 'nosniff');
    if (type.startsWith('text/html')) reply.header('content-security-policy', DASHBOARD_CSP).header('referrer-policy', 'no-referrer');
    if (ifNoneMatch === etag) {
      reply.status(304).send();
      return;
    }
    reply.type(type).send(body);
  }
}
