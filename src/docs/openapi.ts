import { contentSecurityPolicyHeader } from '../http/http-hardening.js';
import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemDocument } from './problem.schema.js';

export const DOCS_PATH = 'docs';

/** Swagger UI's page carries inline <style> blocks; scripts stay same-origin. */
const DOCS_CSP = contentSecurityPolicyHeader({ styleSrc: ["'self'", "'unsafe-inline'"] });

const DESCRIPTION = `
An event-sourced tracker of diplomatic incidents between countries. Incidents are reported as
commands, recorded as events in one stream per country pair, and folded into each relation's
state and escalation score: the tension of the conditions standing (relations severed or
downgraded, ambassadors away, sanctions, hostilities, unanswered expulsions) plus the decaying
momentum of incidents; the level follows the score (calm <10 ≤ friction <30 ≤ strained <55 ≤
crisis <80 ≤ rupture).

Every error is \`application/problem+json\` (RFC 9457); validation errors list each broken rule in
\`errors[]\` by field path (\`details.diplomats\`, \`sources[0].url\`).

The seed story is December 2023 (Azerbaijan and France expel each other's diplomats): incidents'
weight halves every 30 days, so read it with \`asOf=2023-12-28\`.

The dashboard is at [/](/); live updates stream from [/events/stream](/events/stream).
`.trim();

export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Demarche')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .addTag('incidents', 'Report incidents, correct or retract them, list them')
    .addTag('relations', 'Bilateral relations: state, escalation score, timeline; time travel with asOf / knownAt')
    .addTag('events', 'The global event log')
    .addTag('live', 'Server-sent events of every update, resumable with Last-Event-ID')
    .addTag('catalog', 'Incident types, levels and countries; the methodology of the score')
    .addTag('watches', 'Watches on pairs and countries: alerts by rule, live and to signed webhooks')
    .addTag('operations', 'Health and projection administration')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key secret (API_KEYS): needed for writes when keys are configured, and for reads when READS_REQUIRE_KEY=true' })
    .addGlobalResponse(
      { status: 429, description: 'Too many requests from this client; retry after the Retry-After delay', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDocument) } } } },
      { status: 500, description: 'The server failed; the problem says only that, the log has the rest', content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemDocument) } } } },
    )
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemDocument] });
}

/**
 * Swagger UI at /docs and the document at /docs-json (and /docs-yaml). The document is built on
 * first request, once every controller is known. Swagger UI's page loads only same-origin scripts
 * (its init script is a file, not inline), so a `script-src 'self'` policy does not block it.
 */
const VIEWPORT_META = '<meta name="viewport" content="width=device-width, initial-scale=1">';

export function setupOpenApi(app: NestFastifyApplication): void {
  // Swagger UI's page carries inline <style> blocks (and a style attribute on its icon sprite):
  // its pages alone may use inline styles. Scripts stay same-origin only.
  // Callback style, not async: it runs on every response of the server, and an async hook costs each a promise.
  const docsPage = `/${DOCS_PATH}`;
  app.getHttpAdapter().getInstance().addHook('onSend', (request, reply, payload, done) => {
    if (request.url === docsPage || request.url.startsWith(`${docsPage}/`)) {
      reply.header('content-security-policy', DOCS_CSP);
      // Swagger UI's page has no viewport: phones would show it as a shrunken desktop page.
      if (typeof payload === 'string' && payload.includes('<head>') && !payload.includes('name="viewport"')) {
        return done(null, payload.replace('<head>', `<head>${VIEWPORT_META}`));
      }
    }
    done(null, payload);
  });
  SwaggerModule.setup(DOCS_PATH, app, () => openApiDocument(app), {
    customSiteTitle: 'Demarche API',
    // No call to the public validator badge service: the docs work offline.
    swaggerOptions: { validatorUrl: null, tryItOutEnabled: true, displayRequestDuration: true },
  });
}
