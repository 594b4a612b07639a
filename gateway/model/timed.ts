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

class TimedStream implements AsyncIterableIterator<ModelEvent> {
  private readonly inner = new AbortController();
  private timedOut: ProviderTimeout | undefined;
  private firstTimer: NodeJS.Timeout | undefined;
  private readonly totalTimer: NodeJS.Timeout;
  private readonly iterator: AsyncIterator<ModelEvent>;
  /** the provider gave its final record or ended: leaving it then needs no abort */
  private finished = false;
  private closed = false;
  /** fails the `next()` in flight, if any */
  private pending: ((error: unknown) => void) | undefined;

  constructor(client: ModelClient, request: ModelRequest, deadlines: Deadlines, private readonly signal: AbortSignal) {
    this.firstTimer = this.expire('first_token', deadlines.firstTokenMs);
    this.totalTimer = this.expire('total', deadlines.totalMs);
    signal.addEventListener('abort', this.onCallerAbort, { once: true });
    this.inner.signal.addEventListener('abort', () => this.pending?.(new Error('aborted')), { once: true });
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
    if (this.inner.signal.aborted) return Promise.reject(this.fail(undefined));
    return new Promise<IteratorResult<ModelEvent>>((resolve, reject) => {
      let settled = false;
      const failed = (error: unknown) => {
        if (settled) return;
        settled = true;
        this.pending = undefined;
        reject(this.fail(error));
      };
      this.pending = failed;
      this.iterator.next().then((step) => {
        if (settled) return; // an abort already failed this call
        if (step.done) {
          this.finished = true;
          if (this.inner.signal.aborted) return failed(undefined);
          settled = true;
          this.pending = undefined;
          this.close();
          return resolve(DONE);
        }
        settled = true;
        this.pending = undefined;
        if (step.value.type === 'end') this.finished = true;
        if (step.value.type === 'delta' && this.firstTimer) {
          clearTimeout(this.firstTimer);
          this.firstTimer = undefined;
        }
        resolve(step);
      }, failed);
    });
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
    if (!this.finished && !this.inner.signal.aborted) this.inner.abort();
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
