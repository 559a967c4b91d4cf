import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * What `docker compose up` and an orchestrator act on. Nothing here can start a container (no
 * Docker engine on these machines), so the files are read as Docker reads them.
 */
const { load } = createRequire(import.meta.url)('js-yaml') as { load(text: string): unknown };
const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown>;
  volumes?: string[];
  healthcheck?: { test: string[] };
}
/** YAML merge keys (`<<: *anchor`), which Compose applies and this js-yaml leaves as a key. */
function merged(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(merged);
  if (typeof value !== 'object' || value === null) return value;
  const { '<<': base, ...own } = value as Record<string, unknown>;
  const entries = Object.entries(own).map(([key, inner]) => [key, merged(inner)]);
  return { ...(base === undefined ? {} : (merged(base) as object)), ...Object.fromEntries(entries) };
}
const services = (file: string) => (merged(load(read(file))) as { services: Record<string, ComposeService> }).services;

/** The image docs/eventstoredb.md names: EventStoreDB 24.10 is published as eventstoredb-ee, configured with EVENTSTORE_* settings. */
const EVENTSTORE_IMAGE = 'docker.eventstore.com/eventstore/eventstoredb-ee:24.10';

describe('container health checks', () => {
  it('the image probes readiness with Node (the runtime image has no curl)', () => {
    const dockerfile = read('Dockerfile');
    const healthcheck = dockerfile.slice(dockerfile.indexOf('\nHEALTHCHECK'), dockerfile.indexOf('\nCMD ['));
    expect(dockerfile).toMatch(/FROM node:\S+-slim AS runtime/);
    expect(healthcheck).toContain('CMD ["node", "-e", "fetch(');
    expect(healthcheck).toContain("/health/ready')");
    expect(healthcheck).not.toContain('curl');
  });

  it.each(['docker-compose.yml', 'docker-compose.cluster.yml'])('%s: the app is healthy only when ready, probed with Node', (file) => {
    const apps = Object.values(services(file)).filter((service) => service.build !== undefined);
    expect(apps.length).toBeGreaterThan(0);
    for (const app of apps) {
      expect(app.healthcheck?.test.slice(0, 3)).toEqual(['CMD', 'node', '-e']);
      expect(app.healthcheck?.test[3]).toContain("fetch('http://127.0.0.1:3000/health/ready')");
    }
  });

  it.each(['docker-compose.yml', 'docker-compose.cluster.yml'])('%s: every node runs the documented image with its own settings and data path', (file) => {
    // The EventStoreDB nodes (docker-compose.yml also has a PostgreSQL profile, with its own image).
    const nodes = Object.values(services(file)).filter((service) => service.build === undefined && !service.image?.startsWith('postgres:'));
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.image).toBe(EVENTSTORE_IMAGE);
      for (const key of Object.keys(node.environment ?? {})) expect(key).toMatch(/^EVENTSTORE_/);
      expect(node.volumes?.some((volume) => volume.endsWith(':/var/lib/eventstore'))).toBe(true);
    }
    expect(read('docs/eventstoredb.md')).toContain(EVENTSTORE_IMAGE);
  });
});
