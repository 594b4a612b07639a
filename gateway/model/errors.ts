// Provider failures as typed errors with a class the retry policy understands. A timeout is a
// ProviderTimeout, never a raw AbortError; the caller leaving is RequestCancelled, not a failure.

export type FailureClass = 'rate_limit' | 'timeout' | 'server_error' | 'bad_response' | 'unavailable' | 'client_error';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly failure: FailureClass,
    message: string,
    /** seconds the provider asked us to wait (429 Retry-After) */
    readonly retryAfterSeconds?: number,
    readonly status?: number,
  ) {
    super(message);
  }
}

export class ProviderTimeout extends ProviderError {
  override name = 'ProviderTimeout';
  constructor(readonly phase: 'first_token' | 'total', readonly afterMs: number) {
    super('timeout', `no ${phase === 'first_token' ? 'first token' : 'complete answer'} within ${afterMs} ms`);
  }
}

export class RequestCancelled extends Error {
  override name = 'RequestCancelled';
  constructor() {
    super('the caller cancelled the request');
  }
}

/** Maps an HTTP status to the failure class retries and fallbacks are defined over. */
export function classifyStatus(status: number): FailureClass {
  if (status === 429) return 'rate_limit';
  if (status === 408 || status === 504) return 'timeout';
  if (status >= 500) return 'server_error';
  return 'client_error';
}

/** Retry-After as seconds (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

export function asProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  return new ProviderError('unavailable', error instanceof Error ? error.name : 'unknown failure');
}
