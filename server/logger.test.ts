import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(level = 'debug') {
  const stream = new PassThrough();
  let out = '';
  stream.on('data', (c: Buffer) => (out += c.toString()));
  const logger = createLogger({ level, stream });
  const lines = async () => {
    await new Promise((r) => setImmediate(r));
    return out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  return { logger, lines, raw: () => out };
}

describe('logger levels', () => {
  it('writes lines at or above its level only, and follows a level changed at run time', async () => {
    const { logger, lines } = capture('info');
    logger.debug('below.level');
    logger.info('at.level');
    logger.error('above.level');
    logger.level = 'debug';
    logger.debug('now.enabled');
    expect((await lines()).map((l) => l.message)).toEqual(['at.level', 'above.level', 'now.enabled']);
  });
});

describe('logger cost below the level', () => {
  it("a line below the level never enters winston's stream; one at the level does", async () => {
    const { logger, lines } = capture('info');
    let writes = 0;
    const write = logger.write.bind(logger);
    logger.write = ((...args: Parameters<typeof logger.write>) => (
      (writes += 1),
      write(...args)
    )) as typeof logger.write;
    for (let i = 0; i < 10; i += 1) logger.debug('below.level', { i });
    expect(writes).toBe(0);
    logger.info('at.level');
    expect(writes).toBe(1);
    logger.level = 'debug';
    logger.debug('now.enabled');
    expect(writes).toBe(2);
    expect((await lines()).map((l) => l.message)).toEqual(['at.level', 'now.enabled']);
  });

  it('a child logger keeps its own fields and the same level check', async () => {
    const { logger, lines } = capture('info');
    const child = logger.child({ component: 'sealer' });
    child.debug('below.level');
    child.info('child.line', { events: 3 });
    expect(await lines()).toEqual([expect.objectContaining({ message: 'child.line', component: 'sealer', events: 3 })]);
  });
});

describe('logger privacy format', () => {
  it('keeps a request id passed with the line, though it is digit-heavy', async () => {
    const { logger, lines } = capture();
    const id = '12345678-1234-4234-8234-123456789012'; // digit-heavy, yet an id, not personal data
    logger.info('http.request', { requestId: id, status: 200, userId: id });
    const [line] = await lines();
    expect(line).toMatchObject({ message: 'http.request', requestId: id, userId: id, status: 200, level: 'info' });
  });

  it('redacts a caller-supplied request id that smuggles a long number', async () => {
    const { logger, lines } = capture();
    logger.info('http.request', { requestId: 'req-4111111111111111' });
    const [line] = await lines();
    expect(line!.requestId).toBe('[redacted]');
  });

  it.each([
    ['text', 'my account number is 12345678 and I am upset'],
    ['body', { text: 'hello' }],
    ['email', 'jane.doe@example.com'],
    ['password', 'hunter2hunter2'],
    ['accessToken', 'eyJhbGciOi.abc.def'],
    ['displayName', 'Jane Doe'],
    ['authorization', 'Bearer abc'],
    ['user_email', 'x@y.example'],
  ])('refuses the field %s', async (key, value) => {
    const { logger, lines, raw } = capture();
    logger.info('event.name', { [key]: value });
    const [line] = await lines();
    expect(line![key]).toBe('[redacted]');
    expect(raw()).not.toContain(typeof value === 'string' ? value : JSON.stringify(value));
  });

  it('refuses personal data hidden in other fields, nested objects and errors', async () => {
    const { logger, raw } = capture();
    logger.warn('db.error', {
      meta: { note: 'contact jane.doe@example.com', card: { number: '4111111111111111' } },
      error: new Error('duplicate key (email)=(jane.doe@example.com)'),
      count: 3,
    });
    await new Promise((r) => setImmediate(r));
    expect(raw()).not.toContain('jane.doe@example.com');
    expect(raw()).not.toContain('4111111111111111');
    expect(raw()).toContain('"count":3');
  });

  it('replaces a log message that is a sentence with data instead of an event name', async () => {
    const { logger, lines } = capture();
    logger.info('User jane.doe@example.com said: my IBAN is DE89370400440532013000');
    const [line] = await lines();
    expect(line!.message).toBe('[redacted]');
  });
});
