import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DECORATORS } from '@nestjs/swagger';
import { startTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let doc: any;

beforeAll(async () => {
  t = await startTestApp();
  const response = await t.request('GET', '/docs-json');
  expect(response.status).toBe(200);
  doc = response.json;
});

afterAll(async () => {
  await t.close();
});

/** Every route the Nest app maps, as `METHOD /path/{param}`, with whether its controller is left out of the docs on purpose. */
function registeredRoutes(): { route: string; fastifyUrl: string; method: string; excluded: boolean }[] {
  const routes = [];
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Function;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const excluded = Boolean(Reflect.getMetadata(DECORATORS.API_EXCLUDE_CONTROLLER, controller)?.[0]);
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = controller.prototype[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler);
        const method = Reflect.getMetadata(METHOD_METADATA, handler);
        if (path === undefined || method === undefined) continue;
        const fastifyUrl = `/${[base, path].map((part: string) => part.replace(/^\/|\/$/g, '')).filter(Boolean).join('/')}`;
        const verb = RequestMethod[method as RequestMethod];
        routes.push({ route: `${verb} ${fastifyUrl.replace(/:(\w+)/g, '{$1}')}`, fastifyUrl, method: verb, excluded });
      }
    }
  }
  return routes;
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('GET /docs-json', () => {
  it('documents every API route the app registers, and nothing it does not', () => {
    const routes = registeredRoutes();
    const fastify = t.app.getHttpAdapter().getInstance();
    // The routes Nest says it maps really are in Fastify's router.
    for (const { fastifyUrl, method } of routes) expect(fastify.hasRoute({ method: method as 'GET', url: fastifyUrl })).toBe(true);
    const api = routes.filter((r) => !r.excluded).map((r) => r.route).sort();
    expect(api.length).toBeGreaterThanOrEqual(14);
    expect(documentedRoutes().sort()).toEqual(api);
    // Only the dashboard's pages and files are left out.
    expect(routes.filter((r) => r.excluded).map((r) => r.route).sort()).toEqual(['GET /', 'GET /about/methodology', 'GET /alerts', 'GET /assets/*', 'GET /countries/{code}', 'GET /explore', 'GET /map', 'GET /map/world.json', 'GET /pairs/{pair}', 'GET /review', 'GET /static/{version}/*', 'GET /vendor/uplot/{file}']);
  });

  it('gives POST /incidents a request schema with the fields of a report, and seed-story examples', () => {
    const post = doc.paths['/incidents'].post;
    const ref = post.requestBody.content['application/json'].schema.$ref as string;
    const schema = doc.components.schemas[ref.split('/').pop()!];
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['type', 'actor', 'target', 'occurredOn', 'summary', 'sources', 'details']));
    expect(schema.required).toEqual(expect.arrayContaining(['type', 'actor', 'target', 'occurredOn', 'summary', 'sources']));
    expect(schema.required).not.toContain('details');
    expect(schema.properties.type.enum).toContain('DiplomatsExpelled');
    expect(schema.properties.sources).toMatchObject({ type: 'array', minItems: 1, items: { $ref: expect.stringContaining('SourceDto') } });
    // details: one alternative per details class, with its required fields.
    const expulsion = schema.properties.details.anyOf.find((alternative: any) => alternative.title === 'DiplomatsExpelled');
    expect(expulsion).toMatchObject({ required: ['diplomats'], properties: { diplomats: { type: 'integer', minimum: 1, maximum: 1000 } } });
    expect(post.requestBody.content['application/json'].examples.expulsion.value).toMatchObject({
      type: 'DiplomatsExpelled',
      actor: 'AZE',
      target: 'FRA',
      occurredOn: '2023-12-26',
      details: { diplomats: 2 },
    });
  });

  it('documents the errors of each route as problem+json with errors[]', () => {
    const problem = doc.components.schemas.ProblemDocument;
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'errors']));
    expect(problem.properties.errors.items.$ref).toMatch(/FieldErrorDocument$/);
    const post = doc.paths['/incidents'].post;
    for (const status of ['400', '409', '413', '415', '422']) {
      expect(post.responses[status].content['application/problem+json'].schema.$ref).toMatch(/ProblemDocument$/);
    }
    expect(post.responses['400'].content['application/problem+json'].example.errors).toEqual(
      expect.arrayContaining([{ field: 'sources[0].url', message: expect.any(String) }, { field: 'details.diplomats', message: expect.any(String) }]),
    );
    for (const [path, operations] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        const success = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
        expect([`${method} ${path}`, success.length]).toEqual([`${method} ${path}`, 1]);
        expect([`${method} ${path}`, operation.tags?.length ?? 0]).toEqual([`${method} ${path}`, 1]);
      }
    }
  });

  it('describes the live stream as text/event-stream with Last-Event-ID', () => {
    const stream = doc.paths['/events/stream'].get;
    expect(Object.keys(stream.responses['200'].content)).toEqual(['text/event-stream']);
    expect(stream.parameters.map((p: any) => [p.in, p.name])).toEqual(expect.arrayContaining([['header', 'Last-Event-ID'], ['query', 'after']]));
  });

  it('serves Swagger UI at /docs, its files and its init script from this server', async () => {
    const page = await t.request('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const scripts = [...page.text.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(expect.arrayContaining([expect.stringContaining('swagger-ui-bundle.js'), expect.stringContaining('swagger-ui-init.js')]));
    expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    expect(page.text).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    // Most of /docs is Swagger UI's bundle: it goes compressed to a client that accepts it.
    const bundle = await fetch(`${t.url}/docs/swagger-ui-bundle.js`, { headers: { 'accept-encoding': 'br' } });
    expect(bundle.headers.get('content-encoding')).toBe('br');
    for (const file of ['/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js', '/docs/swagger-ui.css']) {
      const response = await t.request('GET', file);
      expect([file, response.status]).toEqual([file, 200]);
    }
    // Scripts stay same-origin; only Swagger UI's own inline <style> blocks are allowed on its pages.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
  });
});
