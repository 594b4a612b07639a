// The password-check queue: how many run, how many wait, who goes first, who is refused.
import { describe, expect, it } from 'vitest';
import { PasswordQueueFull, passwordQueue } from './passwordQueue.ts';

/** A check that finishes when the test says so, recording when it started. */
function checks() {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const work = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      finish.set(name, () => resolve(name));
    });
  const done = async (name: string) => {
    finish.get(name)!();
    await new Promise((r) => setImmediate(r));
  };
  return { started, work, done };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('passwordQueue', () => {
  it('runs at most `concurrency` checks, queues up to `maxQueued`, refuses the rest at once', async () => {
    const q = passwordQueue({ concurrency: 2, maxQueued: 2 });
    const c = checks();
    const results = ['a1', 'a2', 'a3', 'a4', 'a5'].map((n) =>
      q.run('a', c.work(n)).then(
        (v) => v,
        (e: unknown) => e,
      ),
    );
    await settle();
    expect(c.started).toEqual(['a1', 'a2']);
    expect(q.stats()).toEqual({ running: 2, queued: 2 });
    expect(await results[4]).toBeInstanceOf(PasswordQueueFull);
    await c.done('a1');
    expect(c.started).toEqual(['a1', 'a2', 'a3']);
    await c.done('a2');
    await c.done('a3');
    await c.done('a4');
    expect(await Promise.all(results.slice(0, 4))).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(q.stats()).toEqual({ running: 0, queued: 0 });
  });

  it('gives another source a place in a full queue (the flooding source loses its newest) and runs it next', async () => {
    const q = passwordQueue({ concurrency: 1, maxQueued: 3 });
    const c = checks();
    const flood = ['f1', 'f2', 'f3', 'f4'].map((n) =>
      q.run('flood', c.work(n)).then(
        (v) => v,
        (e: unknown) => e,
      ),
    );
    await settle();
    expect(q.stats()).toEqual({ running: 1, queued: 3 });
    const real = q.run('office', c.work('real'));
    expect(await flood[3]).toBeInstanceOf(PasswordQueueFull);
    await c.done('f1');
    expect(c.started).toEqual(['f1', 'real']);
    await c.done('real');
    expect(await real).toBe('real');
    await c.done('f2');
    await c.done('f3');
    expect(await Promise.all(flood.slice(0, 3))).toEqual(['f1', 'f2', 'f3']);
  });

  it('refuses a source that already holds as many places as the others (no eviction among equals)', async () => {
    const q = passwordQueue({ concurrency: 1, maxQueued: 2 });
    const c = checks();
    const runs = ['s1', 's2', 's3', 's4'].map((s) =>
      q.run(s, c.work(s)).then(
        (v) => v,
        (e: unknown) => e,
      ),
    );
    await settle();
    expect(await runs[3]).toBeInstanceOf(PasswordQueueFull);
    for (const s of ['s1', 's2', 's3']) await c.done(s);
    expect(await Promise.all(runs.slice(0, 3))).toEqual(['s1', 's2', 's3']);
  });

  it('with no queue at all still runs checks while a place is free', async () => {
    const q = passwordQueue({ concurrency: 1, maxQueued: 0 });
    const c = checks();
    const first = q.run('a', c.work('a'));
    await expect(q.run('b', c.work('b'))).rejects.toBeInstanceOf(PasswordQueueFull);
    await c.done('a');
    expect(await first).toBe('a');
  });

  it('passes a failed check on and frees its place', async () => {
    const q = passwordQueue({ concurrency: 1, maxQueued: 0 });
    await expect(q.run('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await q.run('a', () => Promise.resolve('ok'))).toBe('ok');
  });
});
