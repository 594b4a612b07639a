// timedStream on its own: deadlines and the caller's abort settle a step even when the provider
// ignores its signal, and leaving early stops the provider (but not after its final record).
import { describe, expect, it } from 'vitest';
import { ProviderTimeout, RequestCancelled } from './errors.ts';
import { timedStream } from './timed.ts';
import type { ModelClient, ModelEvent } from './types.ts';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const end: ModelEvent = { type: 'end', usage: { tokensIn: 1, tokensOut: 1 }, finishReason: 'stop' };

/** A provider that yields `before`, then waits `hangMs` without ever looking at its signal. */
function deaf(before: ModelEvent[], hangMs: number, after: ModelEvent[] = [end]) {
  const state = { signal: undefined as AbortSignal | undefined, cleanedUp: false };
  const client: ModelClient = {
    locations: ['local'],
    models: async () => ['m'],
    async *stream(_request, signal) {
      state.signal = signal;
      try {
        for (const e of before) yield e;
        await new Promise((resolve) => setTimeout(resolve, hangMs));
        for (const e of after) yield e;
      } finally {
        state.cleanedUp = true;
      }
    },
  };
  return { client, state };
}

describe('timedStream', () => {
  it('a provider that ignores its signal still cannot hold a step past the first-token deadline', async () => {
    const { client, state } = deaf([], 5_000);
    const started = performance.now();
    const it = timedStream(client, request, { firstTokenMs: 50, totalMs: 10_000 }, new AbortController().signal);
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeout);
    expect(error).toMatchObject({ phase: 'first_token' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(state.signal?.aborted).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined }); // closed after the failure
  });

  it('after the first token, the total deadline applies; text before it was delivered', async () => {
    const { client } = deaf([{ type: 'delta', text: 'one ' }], 5_000);
    const it = timedStream(client, request, { firstTokenMs: 30, totalMs: 120 }, new AbortController().signal);
    expect(await it.next()).toEqual({ done: false, value: { type: 'delta', text: 'one ' } });
    await new Promise((r) => setTimeout(r, 60)); // past the first-token deadline: cleared by the token
    await expect(it.next()).rejects.toMatchObject({ phase: 'total' });
  });

  it("the caller's abort fails a pending step as RequestCancelled", async () => {
    const { client, state } = deaf([], 5_000);
    const caller = new AbortController();
    const it = timedStream(client, request, { firstTokenMs: 10_000, totalMs: 10_000 }, caller.signal);
    const step = it.next();
    setTimeout(() => caller.abort(), 20);
    await expect(step).rejects.toBeInstanceOf(RequestCancelled);
    expect(state.signal?.aborted).toBe(true);
    // An already aborted caller starts nothing.
    const never = deaf([], 0);
    await expect(timedStream(never.client, request, { firstTokenMs: 100, totalMs: 100 }, caller.signal).next()).rejects.toBeInstanceOf(RequestCancelled);
    expect(never.state.signal).toBeUndefined();
  });

  it('leaving early aborts the provider; leaving after its final record only lets it clean up', async () => {
    const early = deaf([{ type: 'delta', text: 'a' }, { type: 'delta', text: 'b' }], 0);
    for await (const e of timedStream(early.client, request, { firstTokenMs: 1_000, totalMs: 1_000 }, new AbortController().signal)) {
      if (e.type === 'delta') break;
    }
    expect(early.state.signal?.aborted).toBe(true);

    const whole = deaf([{ type: 'delta', text: 'a' }, end], 0, []);
    const seen: ModelEvent[] = [];
    for await (const e of timedStream(whole.client, request, { firstTokenMs: 1_000, totalMs: 1_000 }, new AbortController().signal)) {
      seen.push(e);
      if (e.type === 'end') break;
    }
    expect(seen.map((e) => e.type)).toEqual(['delta', 'end']);
    await new Promise((r) => setImmediate(r));
    expect(whole.state.signal?.aborted).toBe(false);
    expect(whole.state.cleanedUp).toBe(true);
  });
});
