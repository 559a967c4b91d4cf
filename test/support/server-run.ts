import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';

/**
 * Runs the built server (test/support/build-server.ts) until it exits, or until its output matches
 * `until` (then stops it). exitCode is null when it was still running.
 */
export function runServer(main: string, env: Record<string, string>, until?: RegExp): Promise<{ exitCode: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: '0', READ_MODEL_SNAPSHOTS: 'off', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let stopped = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (until && !stopped && until.test(output)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ exitCode: stopped ? null : code, output });
    });
    child.once('error', reject);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server neither exited nor printed ${until} in time:\n${output}`));
    }, 20_000);
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request with headers fetch does not allow: a Host of our choosing, a header sent twice (an
 * array value), no Content-Type at all.
 */
export function rawRequest(port: number, method: string, path: string, headers: Record<string, string | string[]>, body = '', address = '127.0.0.1'): Promise<RawAnswer> {
  return new Promise((resolvePromise, reject) => {
    const req = httpRequest({ host: address, port, method, path, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolvePromise({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
