import { appOptionsFromEnv } from '../../src/config.js';
import { DEFAULT_LIVE_STREAM_LIMITS } from '../../src/live/live-stream.options.js';

describe('live stream limits from the environment', () => {
  const sqlite = { DATA_DIR: '/tmp/demarche-config-test' };

  it('defaults to 20 streams per address, 1000 in all and a 30 s drain timeout', () => {
    expect(appOptionsFromEnv(sqlite).liveStream).toEqual({ perClient: 20, total: 1000, drainTimeoutMs: 30_000 });
    expect(DEFAULT_LIVE_STREAM_LIMITS).toMatchObject({ perClient: 20, total: 1000, drainTimeoutMs: 30_000 });
  });

  it('reads LIVE_STREAMS_PER_CLIENT, LIVE_STREAMS_TOTAL and LIVE_STREAM_DRAIN_TIMEOUT_MS', () => {
    const options = appOptionsFromEnv({ ...sqlite, LIVE_STREAMS_PER_CLIENT: '5', LIVE_STREAMS_TOTAL: '50', LIVE_STREAM_DRAIN_TIMEOUT_MS: '2000' });
    expect(options.liveStream).toEqual({ perClient: 5, total: 50, drainTimeoutMs: 2000 });
  });

  it.each(['LIVE_STREAMS_PER_CLIENT', 'LIVE_STREAMS_TOTAL', 'LIVE_STREAM_DRAIN_TIMEOUT_MS'])('refuses %s=0 naming the variable', (name) => {
    expect(() => appOptionsFromEnv({ ...sqlite, [name]: '0' })).toThrow(new RegExp(`${name} must be a positive whole number`));
  });
});
