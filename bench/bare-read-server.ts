/**
 * The ceiling for `bench/read.bench.ts`: a bare Fastify server (no Nest, no hooks, no read model)
 * that answers each path it was given with the very bytes the real server answered for it.
 *
 * Forked with an IPC channel: it waits for `{ routes: [{ url, body (base64), contentType }] }`,
 * listens on 127.0.0.1:0 and replies `{ url }`; `{ cmd: 'close' }` exits.
 */
import Fastify from 'fastify';

interface Route {
  url: string;
  body: string;
  contentType: string;
}

process.once('message', (message: { routes: Route[] }) => {
  const answers = new Map(message.routes.map((route) => [route.url, { body: Buffer.from(route.body, 'base64'), contentType: route.contentType }]));
  const app = Fastify({ logger: false });
  app.get('*', (request, reply) => {
    const answer = answers.get(request.url);
    if (!answer) return reply.code(404).send();
    return reply.type(answer.contentType).send(answer.body);
  });
  app.listen({ port: 0, host: '127.0.0.1' }).then(
    (url) => {
      process.send?.({ url });
      process.on('message', (next: { cmd?: string }) => {
        if (next.cmd === 'close') void app.close().then(() => process.exit(0));
      });
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
