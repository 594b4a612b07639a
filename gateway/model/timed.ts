// Runs one provider stream under the first-token and total deadlines and the caller's signal.
// Deadlines become ProviderTimeout, the caller leaving becomes RequestCancelled; each `next()` is
// raced against the abort so a provider that ignores its signal still cannot hold us.
import { asProviderError, ProviderTimeout, RequestCancelled } from './errors.ts';
import type { ModelClient, ModelEvent, ModelRequest } from './types.ts';

export interface Deadlines {
  firstTokenMs: number;
  totalMs: number;
}

export async function* timedStream(client: ModelClient, request: ModelRequest, deadlines: Deadlines, signal: AbortSignal): AsyncGenerator<ModelEvent> {
  if (signal.aborted) throw new RequestCancelled();
  const inner = new AbortController();
  let timedOut: ProviderTimeout | undefined;
  const expire = (phase: 'first_token' | 'total', ms: number) =>
    setTimeout(() => {
      timedOut ??= new ProviderTimeout(phase, ms);
      inner.abort();
    }, ms);
  let firstTimer: NodeJS.Timeout | undefined = expire('first_token', deadlines.firstTokenMs);
  const totalTimer = expire('total', deadlines.totalMs);
  const onCallerAbort = () => inner.abort();
  signal.addEventListener('abort', onCallerAbort, { once: true });
  const aborted = new Promise<never>((_, reject) => inner.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
  aborted.catch(() => undefined);

  const failure = (error: unknown): Error => {
    if (signal.aborted) return new RequestCancelled();
    if (timedOut) return timedOut;
    return asProviderError(error);
  };

  const iterator = client.stream(request, inner.signal)[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      let step: IteratorResult<ModelEvent>;
      try {
        step = await Promise.race([iterator.next(), aborted]);
      } catch (error) {
        throw failure(error);
      }
      if (step.done) {
        finished = true;
        break;
      }
      if (step.value.type === 'end') finished = true;
      if (step.value.type === 'delta' && firstTimer) {
        clearTimeout(firstTimer);
        firstTimer = undefined;
      }
      yield step.value;
    }
    if (inner.signal.aborted) throw failure(undefined);
  } finally {
    clearTimeout(firstTimer);
    clearTimeout(totalTimer);
    signal.removeEventListener('abort', onCallerAbort);
    // Stop a provider we leave early (e.g. the consumer broke off). After its final record it
    // only needs to run its own cleanup: an abort there builds an AbortError nobody reads.
    if (!finished && !inner.signal.aborted) inner.abort();
    void iterator.return?.(undefined)?.catch(() => undefined);
  }
}
