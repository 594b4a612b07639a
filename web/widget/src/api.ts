// HTTP calls to the appliance. Errors keep the server's stable id, so the widget can say what
// happened in the visitor's language; a failed fetch is a NetworkError (safe to retry).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly id: string,
    message: string,
    readonly retryAfter: number | null,
  ) {
    super(message);
  }
}

export class NetworkError extends Error {}

export interface RequestOptions {
  body?: unknown;
  raw?: Blob;
  token?: string | null;
  signal?: AbortSignal;
}

export async function request(
  base: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined;
  if (opts.raw) {
    body = opts.raw;
    headers['Content-Type'] = opts.raw.type || 'application/octet-stream';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['Content-Type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(base + path, { method, headers, body, mode: 'cors', credentials: 'omit', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new NetworkError('network');
  }
  if (res.ok) return res;
  let id = 'generic';
  let message = res.statusText;
  try {
    const parsed = (await res.json()) as { error?: { id?: string; message?: string } };
    id = parsed.error?.id ?? id;
    message = parsed.error?.message ?? message;
  } catch {
    // not JSON (a proxy's page): the status alone says enough
  }
  const retryAfter = Number(res.headers.get('Retry-After'));
  throw new ApiError(res.status, id, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null);
}

export async function requestJson<T>(
  base: string,
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const res = await request(base, method, path, opts);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** Worth trying again with the same request: the network, the server's own trouble, a rate limit. */
export const isRetryable = (err: unknown) =>
  err instanceof NetworkError || (err instanceof ApiError && (err.status >= 500 || err.status === 429));
