// Runs one provider stream under the first-token and total deadlines and the caller's signal.
// Deadlines become ProviderTimeout, the caller leaving becomes RequestCancelled; each `next()` is
// settled by the abort too, so a provider that ignores its signal still cannot hold us.
// An iterator object rather than an async generator: it sits on the path of every token, and a
// generator wrapped around the provider's would cost a generator step and a Promise.race each.
import { asProviderError, ProviderTimeout, RequestCancelled } from './errors.ts';
import type { ModelClient, ModelEvent, ModelRequest } from './types.ts';

export interface Deadlines {
  firstTokenMs: number;
  totalMs: number;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

interface Waiting {
  resolve(step: IteratorResult<ModelEvent>): void;
  reject(error: Error): void;
}

class TimedStream implements AsyncIterableIterator<ModelEvent> {
  private readonly inner = new AbortController();
  private timedOut: ProviderTimeout | undefined;
  private firstTimer: NodeJS.Timeout | undefined;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly iterator: AsyncIterator<ModelEvent>;
  /** the provider gave its final record or ended: leaving it then needs no abort */
  private finished = false;
  private closed = false;
  /** the inner signal has fired (read per step: cheaper than the signal's own getter) */
  private stopped = false;
  /** the `next()` in flight, if any */
  private waiting: Waiting | undefined;

  constructor(client: ModelClient, request: ModelRequest, deadlines: Deadlines, private readonly signal: AbortSignal) {
    this.firstTimer = this.expire('first_token', deadlines.firstTokenMs);
    this.totalTimer = this.expire('total', deadlines.totalMs);
    signal.addEventListener('abort', this.onCallerAbort, { once: true });
    this.inner.signal.addEventListener(
      'abort',
      () => {
        this.stopped = true;
        if (this.waiting) this.failed(this.waiting, new Error('aborted'));
      },
      { once: true },
    );
    this.iterator = client.stream(request, this.inner.signal)[Symbol.asyncIterator]();
  }

  private expire(phase: 'first_token' | 'total', ms: number) {
    return setTimeout(() => {
      this.timedOut ??= new ProviderTimeout(phase, ms);
      this.inner.abort();
    }, ms);
  }

  private readonly onCallerAbort = () => this.inner.abort();

  /** the error to give the consumer, after which this stream is closed */
  private fail(error: unknown): Error {
    const e = this.signal.aborted ? new RequestCancelled() : this.timedOut ?? asProviderError(error);
    this.close();
    return e;
  }

  next(): Promise<IteratorResult<ModelEvent>> {
    if (this.closed) return Promise.resolve(DONE);
    if (this.stopped) return Promise.reject(this.fail(undefined));
    // No named closures per step: under tsx each would be wrapped to keep its name, per token.
    return new Promise<IteratorResult<ModelEvent>>((resolve, reject) => {
      const call: Waiting = { resolve, reject };
      this.waiting = call;
      this.iterator.next().then(
        (step) => this.stepped(call, step),
        (error) => this.failed(call, error),
      );
    });
  }

  private failed(call: Waiting, error: unknown) {
    if (this.waiting !== call) return; // settled already (an abort failed this step)
    this.waiting = undefined;
    call.reject(this.fail(error));
  }

  private stepped(call: Waiting, step: IteratorResult<ModelEvent>) {
    if (this.waiting !== call) return;
    if (step.done) {
      this.finished = true;
      if (this.stopped) return this.failed(call, undefined);
      this.waiting = undefined;
      this.close();
      return call.resolve(DONE);
    }
    this.waiting = undefined;
    if (step.value.type === 'end') this.finished = true;
    if (step.value.type === 'delta' && this.firstTimer) {
      clearTimeout(this.firstTimer);
      this.firstTimer = undefined;
    }
    call.resolve(step);
  }

  /** The consumer leaves (break, return, a throw in its loop). */
  return(): Promise<IteratorResult<ModelEvent>> {
    this.close();
    return Promise.resolve(DONE);
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private close() {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.firstTimer);
    clearTimeout(this.totalTimer);
    this.signal.removeEventListener('abort', this.onCallerAbort);
    // Stop a provider we leave early (e.g. the consumer broke off). After its final record it
    // only needs to run its own cleanup: an abort there builds an AbortError nobody reads.
    if (!this.finished && !this.stopped) this.inner.abort();
    void this.iterator.return?.(undefined)?.catch(() => undefined);
  }
}

export function timedStream(client: ModelClient, request: ModelRequest, deadlines: Deadlines, signal: AbortSignal): AsyncIterableIterator<ModelEvent> {
  if (signal.aborted) {
    // As the generator did: nothing starts, and the first step fails.
    let thrown = false;
    const it: AsyncIterableIterator<ModelEvent> = {
      next: () => (thrown ? Promise.resolve(DONE) : ((thrown = true), Promise.reject(new RequestCancelled()))),
      return: () => Promise.resolve(DONE),
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
  return new TimedStream(client, request, deadlines, signal);
}
