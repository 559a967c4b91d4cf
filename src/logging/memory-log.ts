import type { FastifyInstance } from 'fastify';

/** process.memoryUsage() in MB, in one line: where a process's RSS goes (V8's heap, array buffers, the rest native). */
export function memoryLine(what: string): string {
  const usage = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 1048576);
  return `memory ${what}: rss ${mb(usage.rss)} MB, heap ${mb(usage.heapUsed)}/${mb(usage.heapTotal)} MB, external ${mb(usage.external)} MB, arrayBuffers ${mb(usage.arrayBuffers)} MB`;
}

/**
 * With MEMORY_LOG=1 (main.ts): a memoryLine after every response, naming it, for measuring what
 * each kind of read leaves behind (docs/read-performance.md, the sixth pass). Off by default: it
 * costs a system call per response.
 */
export function registerMemoryLog(fastify: FastifyInstance, write: (line: string) => void): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    write(memoryLine(`after ${request.method} ${request.url} ${reply.statusCode}`));
    done();
  });
}
