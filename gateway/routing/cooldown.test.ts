import { describe, expect, it } from 'vitest';
import { createCooldowns } from './cooldown.ts';

function setup(failures = 3, seconds = 30) {
  let now = 0;
  const c = createCooldowns({ failures: () => failures, seconds: () => seconds, now: () => now });
  return { c, advance: (ms: number) => void (now += ms) };
}

const fail = (c: ReturnType<typeof setup>['c'], request: object, sent = c.sent('t')) =>
  c.failed('t', { request, sent, cause: 'connection_refused' });

describe('cooldowns', () => {
  it('failures that arrive together (sent before the first was counted) count as one', () => {
    const { c } = setup();
    const burst = Array.from({ length: 20 }, () => ({ request: {}, sent: c.sent('t') }));
    for (const a of burst) c.failed('t', { ...a, cause: 'connection_reset' });
    expect(c.isCooling('t')).toBe(false);
    expect(c.admit('t', {})).toBe(true);
  });

  it("one request's retries count once", () => {
    const { c } = setup();
    const r = {};
    for (let i = 0; i < 5; i += 1) fail(c, r);
    expect(c.isCooling('t')).toBe(false);
  });

  it('failures of separate requests, each sent after the last, put the target to rest, with the cause', () => {
    const { c } = setup();
    for (let i = 0; i < 3; i += 1) fail(c, {});
    expect(c.isCooling('t')).toBe(true);
    expect(c.admit('t', {})).toBe(false);
    expect(c.cause('t')).toBe('connection_refused');
  });

  it('a success ends the streak', () => {
    const { c } = setup();
    fail(c, {});
    fail(c, {});
    c.succeeded('t');
    fail(c, {});
    expect(c.isCooling('t')).toBe(false);
  });

  it('after the rest one probe goes through; others wait; its success puts the target back in use', () => {
    const { c, advance } = setup();
    for (let i = 0; i < 3; i += 1) fail(c, {});
    advance(30_001);
    const probe = {};
    expect(c.admit('t', probe)).toBe(true);
    expect(c.admit('t', probe)).toBe(true); // its own retries
    expect(c.admit('t', {})).toBe(false);
    expect(c.isCooling('t')).toBe(true);
    c.succeeded('t');
    expect(c.admit('t', {})).toBe(true);
  });

  it("a failed probe starts another rest; a probe's request that ends unsettled frees the place", () => {
    const { c, advance } = setup();
    for (let i = 0; i < 3; i += 1) fail(c, {});
    advance(30_001);
    const probe = {};
    expect(c.admit('t', probe)).toBe(true);
    fail(c, probe);
    expect(c.admit('t', {})).toBe(false);
    advance(30_001);
    const cancelled = {};
    expect(c.admit('t', cancelled)).toBe(true);
    c.release(cancelled);
    expect(c.admit('t', {})).toBe(true);
  });
});
