// Provider failures as typed errors with a class the retry policy understands. A timeout is a
// ProviderTimeout, never a raw AbortError; the caller leaving is RequestCancelled, not a failure.

export type FailureClass = 'rate_limit' | 'timeout' | 'server_error' | 'bad_response' | 'unavailable' | 'client_error';

/**
 * What lay under a failure, for the record (`cause` in model.request): the connection's fate, the
 * deadline that passed, the HTTP status, or what was wrong with the stream.
 */
export type FailureCause =
  | 'connection_reset'
  | 'connection_refused'
  | 'host_unreachable'
  | 'connect_timeout'
  | 'stream_cut'
  | 'malformed_stream'
  | 'error_event'
  | 'first_token_timeout'
  | 'total_timeout'
  | 'no_healthy_host'
  | 'proxy_refused'
  | 'proxy_unreachable'
  | `http_${number}`
  | 'unknown';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly failure: FailureClass,
    message: string,
    /** seconds the provider asked us to wait (429 Retry-After) */
    readonly retryAfterSeconds?: number,
    readonly status?: number,
    /** what lay under it; absent: read from the status, else unknown */
    private readonly under?: FailureCause,
  ) {
    super(message);
  }

  get reason(): FailureCause {
    return this.under ?? (this.status !== undefined ? `http_${this.status}` : 'unknown');
  }
}

const NETWORK_CAUSES: Record<string, FailureCause> = {
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset',
  ECONNREFUSED: 'connection_refused',
  ENOTFOUND: 'host_unreachable',
  EAI_AGAIN: 'host_unreachable',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  ERR_STREAM_PREMATURE_CLOSE: 'stream_cut',
  // the egress proxy (providers/http/proxy.ts): before any reconnecting cause it wraps
  EPROXY_REFUSED: 'proxy_refused',
  EPROXY_UNREACHABLE: 'proxy_unreachable',
};

/** The cause of a failed connection, read from the error's `code` or that of an error it wraps (fetch wraps them). */
export function networkCause(error: unknown): FailureCause {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code && NETWORK_CAUSES[code]) return NETWORK_CAUSES[code];
  }
  return 'unknown';
}

export class ProviderTimeout extends ProviderError {
  override name = 'ProviderTimeout';
  constructor(
    readonly phase: 'first_token' | 'total',
    readonly afterMs: number,
  ) {
    super(
      'timeout',
      `no ${phase === 'first_token' ? 'first token' : 'complete answer'} within ${afterMs} ms`,
      undefined,
      undefined,
      phase === 'first_token' ? 'first_token_timeout' : 'total_timeout',
    );
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
  return new ProviderError(
    'unavailable',
    error instanceof Error ? error.name : 'unknown failure',
    undefined,
    undefined,
    networkCause(error),
  );
}
