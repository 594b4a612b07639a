// The two shapes a provider's stream takes, and the bridges between them. `stream()` is an async
// iterable (what a caller loops over); `push()` hands each event to a sink as it arrives, with no
// promise or generator step per token, which is what the gateway's hot path reads. A provider
// written one way gets the other from here: iterableFrom (push → iterable, for stream()) and
// pushFrom (iterable → push, for a client with no push of its own). readAsGenerator reads a
// pushing run of any events (the gateway's) as an async generator.
import type { ModelClient, ModelEvent, ModelEventSink, ModelRequest, PushedStream } from './types.ts';

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };
/** Events held by iterableFrom before the source is paused (a caller reading slower than it pushes). */
const HIGH_WATER_EVENTS = 16;

/**
 * A pushed stream read as an async iterator: nothing starts before the first `next()`; events wait
 * in a queue (the source is paused while 16 wait); a failure comes after the events before it;
 * leaving early (`return()`) stops the source.
 */
export function iterableFrom(start: (sink: ModelEventSink) => PushedStream): AsyncIterableIterator<ModelEvent> {
  const queue: ModelEvent[] = [];
  let source: PushedStream | undefined;
  let paused = false;
  /** the source has closed: `failure` is its error, if any */
  let over = false;
  let failure: unknown;
  /** the consumer has had the last step, or left */
  let closed = false;
  let waiting: { resolve(step: IteratorResult<ModelEvent>): void; reject(error: unknown): void } | undefined;

  const take = (resolve: (step: IteratorResult<ModelEvent>) => void, reject: (error: unknown) => void) => {
    const value = queue.shift();
    if (value) {
      if (paused && queue.length < HIGH_WATER_EVENTS / 2) {
        paused = false;
        source?.resume();
      }
      return resolve({ done: false, value });
    }
    closed = true;
    if (failure !== undefined) reject(failure);
    else resolve(DONE);
  };
  const settle = () => {
    const w = waiting;
    if (!w || (queue.length === 0 && !over)) return;
    waiting = undefined;
    take(w.resolve, w.reject);
  };
  const sink: ModelEventSink = {
    event(e) {
      if (over || closed) return;
      queue.push(e);
      if (queue.length >= HIGH_WATER_EVENTS && !paused) {
        paused = true;
        source?.pause();
      }
      settle();
    },
    close(error) {
      if (over) return;
      over = true;
      failure = error;
      settle();
    },
  };
  const it: AsyncIterableIterator<ModelEvent> = {
    next() {
      if (closed) return Promise.resolve(DONE);
      source ??= start(sink);
      return new Promise((resolve, reject) => {
        if (queue.length > 0 || over) take(resolve, reject);
        else waiting = { resolve, reject };
      });
    },
    return() {
      closed = true;
      if (!over) source?.stop();
      waiting?.resolve(DONE);
      waiting = undefined;
      return Promise.resolve(DONE);
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}

/**
 * An iterable stream pushed to a sink: one `next()` at a time, held while paused. `stop()` leaves
 * it (its `return()` runs the provider's own cleanup); a failure is the sink's `close(error)`.
 */
export function pushFrom(events: AsyncIterable<ModelEvent>, sink: ModelEventSink): PushedStream {
  const it = events[Symbol.asyncIterator]();
  let stopped = false;
  let paused = false;
  let wake: (() => void) | undefined;
  void (async () => {
    try {
      for (;;) {
        while (paused && !stopped) await new Promise<void>((resolve) => (wake = resolve));
        if (stopped) return;
        const step = await it.next();
        if (stopped) return;
        if (step.done) return sink.close();
        sink.event(step.value);
      }
    } catch (error) {
      if (!stopped) sink.close(error ?? new Error('stream failed'));
    }
  })();
  const go = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    pause: () => void (paused = true),
    resume() {
      paused = false;
      go();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      go();
      void it.return?.(undefined)?.catch(() => undefined);
    },
  };
}

/** The client's stream, pushed: its own push where it has one, else its iterable read for it. */
export function pushStream(
  client: ModelClient,
  request: ModelRequest,
  signal: AbortSignal,
  sink: ModelEventSink,
): PushedStream {
  return client.push ? client.push(request, signal, sink) : pushFrom(client.stream(request, signal), sink);
}

/** What readAsGenerator hands its run: events in, false while the queue is full, and a resume for later. */
export interface QueueSink<T> {
  event(event: T): boolean;
  drain(resume: () => void): void;
}

/**
 * A pushing run read as an async generator (the gateway's chat()): events wait in a queue, the run
 * is held (`drain`) while `limit` wait, and its failure is thrown after the events before it.
 * Leaving early aborts `leave` and waits for the run to settle, so what it does at its end (an
 * audit record) is done when the consumer's leave returns.
 */
export async function* readAsGenerator<T>(
  limit: number,
  run: (sink: QueueSink<T>, leave: AbortSignal) => Promise<void>,
): AsyncGenerator<T> {
  const queue: T[] = [];
  let over = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  let held: (() => void) | undefined;
  const leave = new AbortController();
  const ping = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const sink: QueueSink<T> = {
    event(e) {
      queue.push(e);
      ping();
      return queue.length < limit;
    },
    drain(resume) {
      held = resume;
    },
  };
  const running = run(sink, leave.signal).then(
    () => void (over = true),
    (error: unknown) => void ((over = true), (failure = error ?? new Error('failed'))),
  );
  void running.then(ping);
  try {
    for (;;) {
      if (queue.length > 0) {
        const e = queue.shift()!;
        if (held && queue.length < limit / 2) {
          const resume = held;
          held = undefined;
          resume();
        }
        yield e;
        continue;
      }
      if (over) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    if (!over) {
      leave.abort();
      await running;
    }
  }
}
