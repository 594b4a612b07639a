// runAttempt on its own: deadlines and the caller's abort settle an attempt even when the provider
// ignores its signal; deltas go out as they arrive; after the end record the provider is left to
// clean up (not aborted); a caller that cannot take more holds the provider's stream.
import { describe, expect, it } from 'vitest';
import { runAttempt, type AttemptOutput } from './attempt.ts';
import { ProviderTimeout, RequestCancelled } from './errors.ts';
import type { ModelClient, ModelEvent, ModelEventSink } from './types.ts';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }] };
const end: ModelEvent = { type: 'end', usage: { tokensIn: 1, tokensOut: 1 }, finishReason: 'stop' };
const deadlines = (firstTokenMs: number, totalMs: number) => ({ firstTokenMs, totalMs });

/** A provider (iterable only) that yields `before`, then waits `hangMs` without ever looking at its signal. */
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

/** A client with push only (its stream() must not be used), recording the controls it was given. */
function pushOnly() {
  const calls: string[] = [];
  let sink: ModelEventSink | undefined;
  const client: ModelClient = {
    locations: ['local'],
    models: async () => [],
    stream: () => {
      throw new Error('stream() must not be called when push() exists');
    },
    push(_request, _signal, s) {
      sink = s;
      return {
        pause: () => void calls.push('pause'),
        resume: () => void calls.push('resume'),
        stop: () => void calls.push('stop'),
      };
    },
  };
  return { client, calls, sink: () => sink! };
}

const collecting = () => {
  const texts: string[] = [];
  const out: AttemptOutput = { delta: (text) => void texts.push(text) };
  return { texts, out };
};

describe('runAttempt', () => {
  it('a provider that ignores its signal still cannot hold the attempt past the first-token deadline', async () => {
    const { client, state } = deaf([], 5_000);
    const started = performance.now();
    const error = await runAttempt(
      client,
      request,
      deadlines(50, 10_000),
      new AbortController().signal,
      collecting().out,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderTimeout);
    expect(error).toMatchObject({ phase: 'first_token' });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(state.signal?.aborted).toBe(true);
  });

  it('after the first token the total deadline applies; the text before it went out', async () => {
    const { client } = deaf([{ type: 'delta', text: 'one ' }], 5_000);
    const { texts, out } = collecting();
    const error = await runAttempt(client, request, deadlines(30, 150), new AbortController().signal, out).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ phase: 'total' }); // not first_token: the token cleared that deadline
    expect(texts).toEqual(['one ']);
  });

  it("the caller's abort settles the attempt as RequestCancelled; an aborted caller starts nothing", async () => {
    const { client, state } = deaf([], 5_000);
    const caller = new AbortController();
    const attempt = runAttempt(client, request, deadlines(10_000, 10_000), caller.signal, collecting().out);
    setTimeout(() => caller.abort(), 20);
    await expect(attempt).rejects.toBeInstanceOf(RequestCancelled);
    expect(state.signal?.aborted).toBe(true);
    const never = deaf([], 0);
    await expect(
      runAttempt(never.client, request, deadlines(100, 100), caller.signal, collecting().out),
    ).rejects.toBeInstanceOf(RequestCancelled);
    expect(never.state.signal).toBeUndefined();
  });

  it('resolves with the end record; the provider then finishes on its own, not aborted', async () => {
    const whole = deaf([{ type: 'delta', text: 'a' }, end], 0, []);
    const { texts, out } = collecting();
    await expect(
      runAttempt(whole.client, request, deadlines(1_000, 1_000), new AbortController().signal, out),
    ).resolves.toEqual(end);
    expect(texts).toEqual(['a']);
    await new Promise((r) => setTimeout(r, 10));
    expect(whole.state.signal?.aborted).toBe(false);
    expect(whole.state.cleanedUp).toBe(true);
  });

  it('a stream that ends without an end record is a bad response, and one that throws fails with its class', async () => {
    const cut = deaf([{ type: 'delta', text: 'a' }], 0, []);
    await expect(
      runAttempt(cut.client, request, deadlines(1_000, 1_000), new AbortController().signal, collecting().out),
    ).rejects.toMatchObject({ failure: 'bad_response' });
    const throwing: ModelClient = {
      locations: ['local'],
      models: async () => [],
      async *stream() {
        yield { type: 'delta', text: 'a' };
        throw new Error('socket hang up');
      },
    };
    await expect(
      runAttempt(throwing, request, deadlines(1_000, 1_000), new AbortController().signal, collecting().out),
    ).rejects.toMatchObject({ name: 'ProviderError', failure: 'unavailable' });
  });

  it("uses the client's push where it has one, and holds it while the caller cannot take more", async () => {
    const { client: pushing, calls, sink } = pushOnly();
    let resume: (() => void) | undefined;
    const texts: string[] = [];
    const out: AttemptOutput = {
      delta: (text) => (texts.push(text), texts.length < 2),
      drain: (r) => void (resume = r),
    };
    const attempt = runAttempt(pushing, request, deadlines(1_000, 1_000), new AbortController().signal, out);
    sink().event({ type: 'delta', text: 'a' });
    expect(calls).toEqual([]);
    sink().event({ type: 'delta', text: 'b' }); // the caller is full now
    expect(calls).toEqual(['pause']);
    resume!();
    expect(calls).toEqual(['pause', 'resume']);
    sink().event(end);
    sink().close();
    await expect(attempt).resolves.toEqual(end);
    expect(texts).toEqual(['a', 'b']);
    expect(calls).toEqual(['pause', 'resume']); // not stopped after its end record
  });

  it('a delta the caller cannot handle fails the attempt and stops the provider', async () => {
    const { client: pushing, calls, sink } = pushOnly();
    const attempt = runAttempt(pushing, request, deadlines(1_000, 1_000), new AbortController().signal, {
      delta: () => {
        throw new Error('broken consumer');
      },
    });
    sink().event({ type: 'delta', text: 'a' });
    await expect(attempt).rejects.toMatchObject({ name: 'ProviderError' });
    expect(calls).toEqual(['stop']);
  });
});
