// The bridges between a provider's two stream shapes (pushed.ts): a pushed stream read as an
// iterator, and an iterable pushed to a sink, each with its pause, failure and early leave.
import { describe, expect, it } from 'vitest';
import { iterableFrom, pushFrom } from './pushed.ts';
import type { ModelEvent, ModelEventSink } from './types.ts';

const delta = (text: string): ModelEvent => ({ type: 'delta', text });
const end: ModelEvent = { type: 'end', usage: { tokensIn: 1, tokensOut: 2 }, finishReason: 'stop' };

function source() {
  const calls: string[] = [];
  let sink: ModelEventSink | undefined;
  const start = (s: ModelEventSink) => {
    sink = s;
    calls.push('start');
    return {
      pause: () => void calls.push('pause'),
      resume: () => void calls.push('resume'),
      stop: () => void calls.push('stop'),
    };
  };
  return { calls, start, sink: () => sink! };
}

describe('iterableFrom', () => {
  it('starts at the first next(), gives the events in order, then the failure after them', async () => {
    const s = source();
    const it = iterableFrom(s.start);
    expect(s.calls).toEqual([]);
    const first = it.next();
    expect(s.calls).toEqual(['start']);
    s.sink().event(delta('a'));
    s.sink().event(delta('b'));
    s.sink().close(new Error('reset'));
    expect(await first).toEqual({ done: false, value: delta('a') });
    expect(await it.next()).toEqual({ done: false, value: delta('b') });
    await expect(it.next()).rejects.toThrow('reset');
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  it('pauses the source while 16 events wait and resumes it once fewer than half wait', async () => {
    const s = source();
    const it = iterableFrom(s.start);
    const first = it.next();
    for (let i = 0; i < 17; i += 1) s.sink().event(delta(String(i)));
    await first; // 16 left waiting
    expect(s.calls).toEqual(['start', 'pause']);
    for (let i = 0; i < 8; i += 1) await it.next();
    expect(s.calls).toEqual(['start', 'pause']); // 8 still wait
    await it.next();
    expect(s.calls).toEqual(['start', 'pause', 'resume']);
    s.sink().event(end);
    s.sink().close();
    const rest: ModelEvent[] = [];
    for await (const e of it) rest.push(e);
    expect(rest.at(-1)).toEqual(end);
    expect(rest).toHaveLength(8);
  });

  it('leaving early stops the source; leaving after it closed does not', async () => {
    const s = source();
    const it = iterableFrom(s.start);
    const pending = it.next();
    await it.return!();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(s.calls).toEqual(['start', 'stop']);
    const t = source();
    const whole = iterableFrom(t.start);
    const step = whole.next();
    t.sink().event(end);
    t.sink().close();
    await step;
    await whole.return!();
    expect(t.calls).toEqual(['start']);
  });
});

describe('pushFrom', () => {
  it('pushes each event, then close(); a throw is close(error)', async () => {
    const seen: (ModelEvent | string)[] = [];
    const sink = (done: () => void): ModelEventSink => ({
      event: (e) => void seen.push(e),
      close: (error) => (seen.push(error ? `failed: ${(error as Error).message}` : 'closed'), done()),
    });
    await new Promise<void>((resolve) =>
      pushFrom(
        (async function* () {
          yield delta('a');
          yield end;
        })(),
        sink(resolve),
      ),
    );
    await new Promise<void>((resolve) =>
      pushFrom(
        (async function* () {
          yield delta('b');
          throw new Error('cut');
        })(),
        sink(resolve),
      ),
    );
    expect(seen).toEqual([delta('a'), end, 'closed', delta('b'), 'failed: cut']);
  });

  it('holds next() while paused, and stop() runs the iterable’s own cleanup', async () => {
    let pulled = 0;
    let cleanedUp = false;
    const events = (async function* () {
      try {
        for (let i = 0; ; i += 1) {
          pulled += 1;
          yield delta(String(i));
          await new Promise((r) => setTimeout(r, 1));
        }
      } finally {
        cleanedUp = true;
      }
    })();
    const got: ModelEvent[] = [];
    const stream = pushFrom(events, {
      event: (e) => {
        got.push(e);
        if (got.length === 3) stream.pause();
      },
      close: () => undefined,
    });
    await new Promise((r) => setTimeout(r, 40));
    expect(got).toHaveLength(3);
    expect(pulled).toBeLessThanOrEqual(4);
    stream.resume();
    await new Promise((r) => setTimeout(r, 20));
    expect(got.length).toBeGreaterThan(3);
    stream.stop();
    await new Promise((r) => setTimeout(r, 20));
    const after = got.length;
    await new Promise((r) => setTimeout(r, 20));
    expect(got).toHaveLength(after);
    expect(cleanedUp).toBe(true);
  });
});
