// The knowledge-base version the answer cache keys on: read once per ttl, refreshed in the
// background once known (no caller waits on the database), never served older than maxStaleMs.
import { describe, expect, it } from 'vitest';
import { refreshingValue } from './refreshing.ts';

function source() {
  const reads: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  const read = () => new Promise<string>((resolve, reject) => reads.push({ resolve, reject }));
  return { read, reads };
}

const settled = async <T>(p: Promise<T>) => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

/** A value read once ('v1') at time 0, ttl 1 s; `at(ms)` moves the clock. */
async function knownValue(maxStaleMs: number) {
  let t = 0;
  const s = source();
  const get = refreshingValue(s.read, { ttlMs: 1000, maxStaleMs, now: () => t });
  const first = get();
  s.reads[0]!.resolve('v1');
  await first;
  return { get, reads: s.reads, at: (ms: number) => void (t = ms) };
}

describe('refreshingValue', () => {
  it('first callers share one read; within the ttl no read at all', async () => {
    let t = 0;
    const s = source();
    const get = refreshingValue(s.read, { ttlMs: 1000, maxStaleMs: 10_000, now: () => t });
    const a = get();
    const b = get();
    expect(s.reads).toHaveLength(1);
    s.reads[0]!.resolve('v1');
    expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);
    t = 999;
    expect(await get()).toBe('v1');
    expect(s.reads).toHaveLength(1);
  });

  it('after the ttl the known value comes at once while one background read refreshes it', async () => {
    const { get, reads, at } = await knownValue(10_000);
    at(1500);
    const stale = get();
    expect(await settled(stale)).toBe(true); // not waiting on the read in flight
    expect(await stale).toBe('v1');
    expect(await get()).toBe('v1');
    expect(reads).toHaveLength(2); // one refresh for both callers
    reads[1]!.resolve('v2');
    await new Promise((r) => setImmediate(r));
    expect(await get()).toBe('v2');
  });

  it('a failed refresh keeps the value until maxStaleMs; past it, callers wait and a failure fails them', async () => {
    const { get, reads, at } = await knownValue(5000);
    at(2000);
    expect(await get()).toBe('v1');
    reads[1]!.reject(new Error('database unavailable'));
    await new Promise((r) => setImmediate(r));
    at(4000);
    expect(await get()).toBe('v1'); // still within maxStaleMs: served, and another refresh started
    expect(reads).toHaveLength(3);
    reads[2]!.reject(new Error('database unavailable'));
    await new Promise((r) => setImmediate(r));
    at(6000);
    const late = get();
    expect(await settled(late)).toBe(false); // too old to serve: waits for the read
    reads[3]!.reject(new Error('database unavailable'));
    await expect(late).rejects.toThrow('database unavailable');
  });
});
