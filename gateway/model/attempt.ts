// One attempt at one target: the provider's stream pushed through the first-token and total
// deadlines and the caller's signal, each delta handed on as it arrives (no async step per token),
// settled by the end record or the first failure. Deadlines become ProviderTimeout, the caller
// leaving becomes RequestCancelled; either settles the attempt at once, so a provider that ignores
// its signal still cannot hold it.
import { asProviderError, ProviderError, ProviderTimeout, RequestCancelled } from './errors.ts';
import { pushStream } from './pushed.ts';
import type { ModelClient, ModelEvent, ModelEventSink, ModelRequest, PushedStream } from './types.ts';

export interface Deadlines {
  firstTokenMs: number;
  totalMs: number;
}

export type EndRecord = Extract<ModelEvent, { type: 'end' }>;

export interface AttemptOutput {
  /** each delta, in order; false: the caller cannot take more now (the stream is held until `drain` calls back) */
  delta(text: string): boolean | void;
  /** calls `resume` once the caller can take more; needed only where `delta` can answer false */
  drain?(resume: () => void): void;
}

/**
 * Runs the attempt: resolves with the end record once the provider has given it, rejects with the
 * first failure (a ProviderError, ProviderTimeout or RequestCancelled); deltas before either have
 * gone to `out`. A stream that closes without an end record is a bad response. After the end
 * record the provider is left to finish on its own (its cleanup); after a failure it is stopped.
 */
export function runAttempt(
  client: ModelClient,
  request: ModelRequest,
  deadlines: Deadlines,
  signal: AbortSignal,
  out: AttemptOutput,
): Promise<EndRecord> {
  if (signal.aborted) return Promise.reject(new RequestCancelled()); // nothing starts
  return new Promise<EndRecord>((resolve, reject) => {
    const inner = new AbortController();
    let timedOut: ProviderTimeout | undefined;
    let settled = false;
    let stream: PushedStream | undefined;
    const expire = (phase: 'first_token' | 'total', ms: number) =>
      setTimeout(() => {
        timedOut ??= new ProviderTimeout(phase, ms);
        fail(undefined);
      }, ms);
    let firstTimer: NodeJS.Timeout | undefined = expire('first_token', deadlines.firstTokenMs);
    const totalTimer = expire('total', deadlines.totalMs);
    const onCallerAbort = () => fail(undefined);
    signal.addEventListener('abort', onCallerAbort, { once: true });

    const done = () => {
      settled = true;
      clearTimeout(firstTimer);
      clearTimeout(totalTimer);
      signal.removeEventListener('abort', onCallerAbort);
    };
    function fail(error: unknown) {
      if (settled) return;
      done();
      inner.abort();
      stream?.stop();
      reject(signal.aborted ? new RequestCancelled() : (timedOut ?? asProviderError(error)));
    }
    const resume = () => {
      if (!settled) stream?.resume();
    };
    const sink: ModelEventSink = {
      event(e) {
        if (settled) return;
        if (e.type === 'end') {
          done();
          return resolve(e);
        }
        if (firstTimer) {
          clearTimeout(firstTimer);
          firstTimer = undefined;
        }
        let more: boolean | void;
        try {
          more = out.delta(e.text);
        } catch (error) {
          return fail(error);
        }
        if (more === false && out.drain && !settled) {
          stream?.pause();
          out.drain(resume);
        }
      },
      close(error) {
        if (error !== undefined) fail(error);
        else
          fail(
            new ProviderError(
              'bad_response',
              'stream ended without a final usage record',
              undefined,
              undefined,
              'stream_cut',
            ),
          );
      },
    };
    try {
      stream = pushStream(client, request, inner.signal, sink);
    } catch (error) {
      fail(error);
    }
    if (settled) stream?.stop(); // failed while starting
  });
}
