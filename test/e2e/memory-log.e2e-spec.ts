import { startTestApp, type TestApp } from '../support/test-app.js';

/** MEMORY_LOG=1 (main.ts): a line of process.memoryUsage() after every response, naming it. */

let t: TestApp;
const lines: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ app: { memoryLog: (line) => lines.push(line) } });
});

afterAll(async () => {
  await t?.close();
});

it('logs the RSS, the heap and the array buffers after each response, with its method, URL and status', async () => {
  await t.request('GET', '/relations?level=bogus');
  await t.request('GET', '/health');
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^memory after GET \/relations\?level=bogus 400: rss \d+ MB, heap \d+\/\d+ MB, external \d+ MB, arrayBuffers \d+ MB$/);
  expect(lines[1]).toMatch(/^memory after GET \/health 200: rss [1-9]\d* MB/);
});
