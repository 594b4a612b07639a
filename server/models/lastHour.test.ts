// The last hour of each target on this node: counts, nearest-rank percentiles, failed attempts,
// cache hits; a minute older than an hour drops out; a busy minute keeps a bounded sample.
import { describe, expect, it } from 'vitest';
import type { ModelRequestAudit } from '../../gateway/index.ts';
import { lastHour, percentile } from './lastHour.ts';

const record = (targetId: string | null, latencyMs: number, cache: ModelRequestAudit['cache'] = 'miss') =>
  ({ targetId, latencyMs, cache }) as ModelRequestAudit;

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 50, null],
    [[7], 95, 7],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 95, 4],
    [Array.from({ length: 100 }, (_, i) => i + 1), 95, 95],
  ])('%j p%i → %s', (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

describe('lastHour', () => {
  it('counts requests, latency and failed attempts per target; a cache hit counts for the cache alone', () => {
    let now = Date.parse('2026-12-07T10:00:00Z');
    const h = lastHour(() => now);
    for (const ms of [100, 200, 300, 400]) h.modelRequest(record('vllm', ms));
    h.modelRequest(record('vllm', 5, 'hit'));
    h.log('gateway.attempt_failed', { target: 'gpt', failure: 'server_error' });
    h.log('gateway.target_cooling', { target: 'gpt' });
    now += 30 * 60_000;
    h.modelRequest(record('vllm', 1000, 'off'));
    expect(Object.fromEntries(h.byTarget())).toEqual({
      vllm: { requests: 5, errors: 0, p50Ms: 300, p95Ms: 1000 },
      gpt: { requests: 0, errors: 1, p50Ms: null, p95Ms: null },
    });
    expect(h.cache()).toEqual({ hits: 1, misses: 4 });
  });

  it('forgets a minute once it is an hour old', () => {
    let now = Date.parse('2026-12-07T10:00:30Z');
    const h = lastHour(() => now);
    h.modelRequest(record('kb', 50));
    now += 59 * 60_000;
    h.modelRequest(record('kb', 70));
    expect(h.byTarget().get('kb')!.requests).toBe(2);
    now += 60_000;
    expect(h.byTarget().get('kb')).toEqual({ requests: 1, errors: 0, p50Ms: 70, p95Ms: 70 });
    now += 60 * 60_000;
    expect(h.byTarget().size).toBe(0);
    expect(h.cache()).toEqual({ hits: 0, misses: 0 });
  });

  it('keeps at most 500 latencies of a minute (a reservoir) while counting every request', () => {
    const h = lastHour(
      () => 0,
      () => 0.999_999,
    );
    for (let i = 1; i <= 2000; i += 1) h.modelRequest(record('kb', i <= 500 ? 10 : 1_000_000));
    // a random draw of ~1 never lands in the sample: only the first 500 stay
    expect(h.byTarget().get('kb')).toEqual({ requests: 2000, errors: 0, p50Ms: 10, p95Ms: 10 });
    const replacing = lastHour(
      () => 0,
      () => 0,
    );
    for (let i = 1; i <= 2000; i += 1) replacing.modelRequest(record('kb', i <= 500 ? 10 : 1_000_000));
    // a draw of 0 puts each later value in slot 0: 499 early ones and the last
    expect(replacing.byTarget().get('kb')).toEqual({ requests: 2000, errors: 0, p50Ms: 10, p95Ms: 10 });
  });
});
