import { ThrottledLogger } from '../../src/logging/throttled-logger.js';

describe('ThrottledLogger', () => {
  function setup() {
    let now = 0;
    const written: string[] = [];
    const target = { warn: (line: string) => written.push(`warn ${line}`), error: (line: string) => written.push(`error ${line}`), debug: (line: string) => written.push(`debug ${line}`) };
    const logger = new ThrottledLogger(target, 60_000, () => now, 3);
    return { logger, written, advance: (ms: number) => (now += ms) };
  }

  it('writes a repeated warning once a minute, then says how many it left out', () => {
    const { logger, written, advance } = setup();

    for (let i = 0; i < 500; i++) logger.warn('client closed the connection');
    advance(60_000);
    logger.warn('client closed the connection');

    expect(written).toEqual(['warn client closed the connection', 'warn client closed the connection (499 more like this in the previous 60 s not logged)']);
  });

  it('keeps different messages and levels apart', () => {
    const { logger, written } = setup();

    logger.warn('a');
    logger.warn('b');
    logger.debug('a');
    logger.warn('a');

    expect(written).toEqual(['warn a', 'warn b', 'debug a']);
  });

  it('writes the stack with the first error of a run only', () => {
    const { logger, written } = setup();

    logger.error('boom', 'Error: boom\n    at somewhere');
    logger.error('boom', 'Error: boom\n    at somewhere');

    expect(written).toEqual(['error Error: boom\n    at somewhere']);
  });

  it('remembers a bounded number of messages, so a flood of distinct ones cannot grow memory', () => {
    const { logger, written } = setup();

    for (const message of ['1', '2', '3', '4', '1']) logger.warn(message);

    // Capacity 3: '1' was forgotten when '4' came, so it is written again.
    expect(written).toEqual(['warn 1', 'warn 2', 'warn 3', 'warn 4', 'warn 1']);
  });
});
