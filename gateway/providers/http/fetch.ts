// The `fetch` the HTTP providers (openai, ollama) send with: node:http(s) over keep-alive agents.
// Node's global fetch (undici) cost about a third of a millisecond more CPU per streamed
// completion, paid once per request on the gateway's hot path. Anything but a text or bytes body
// over http(s) (file uploads, which the gateway never sends) goes to the global fetch.
//
// Model servers close idle kept-alive connections (vLLM after 5 s, without saying so in a
// `Keep-Alive` hint): an idle connection is dropped here first (idleMs, 4 s by default; a server's
// `Keep-Alive: timeout=` hint shortens it by a second), and a request that still meets a connection
// the server closed (a reset or close on a reused connection before any response byte: the server
// never read it) is sent once more, at once, on a new connection. A failure on a new connection is
// the server's answer and is not resent.
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import { bypassesProxy, tunnelAgents, type EgressProxy } from './proxy.ts';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const abortError = (signal: AbortSignal): unknown =>
  signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
/** What undici's fetch throws for a failed connection, so the openai client classifies it alike. */
const fetchFailed = (cause: unknown) => new TypeError('fetch failed', { cause });

/** The node stream under each response's body, for a reader that takes it instead (see nodeBody). */
const nodeStreams = new WeakMap<Response, { stream: Readable; taken: boolean }>();

/**
 * The response's body as the node stream it came from, when it came from nodeFetch and nobody has
 * read the web body: reading it directly spares the web-streams layer its promises and objects
 * per chunk (one chunk per token on a streamed completion). Afterwards the web body is not to be
 * read. Anything else: undefined, and the caller reads `response.body`.
 */
export function nodeBody(response: Response): Readable | undefined {
  const entry = nodeStreams.get(response);
  if (!entry || entry.taken || response.bodyUsed) return undefined;
  entry.taken = true;
  return entry.stream;
}

/** A web body over the node stream, made only when somebody reads it (highWaterMark 0: no read ahead); reading it takes the stream. */
function lazyWebBody(entry: { stream: Readable; taken: boolean }): ReadableStream<Uint8Array> {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        entry.taken = true;
        reader ??= (Readable.toWeb(entry.stream) as ReadableStream<Uint8Array>).getReader();
        const step = await reader.read();
        if (step.done) controller.close();
        else controller.enqueue(step.value);
      },
      cancel(reason) {
        entry.stream.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  return headers;
}

export interface ConnectionOptions {
  /** ms an idle kept-alive connection is kept before it is closed here (default 4,000) */
  idleMs?: number;
  /** connections open at once per host (default 256); more requests wait for one */
  maxSockets?: number;
  /** a request was sent again on a new connection: its reused one was closed by the server */
  onResend?: () => void;
  /** every connection through this egress proxy (CONNECT), except to its noProxy hosts: cloud clients only */
  proxy?: EgressProxy;
}

export const DEFAULT_IDLE_MS = 4_000;
export const DEFAULT_MAX_SOCKETS = 256;

/** Failures of a connection the server closed before it read the request (Node: `socket hang up` is ECONNRESET). */
const STALE = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

export function nodeFetch(opts: ConnectionOptions = {}): Fetch {
  const pool = {
    keepAlive: true,
    timeout: opts.idleMs ?? DEFAULT_IDLE_MS,
    maxSockets: opts.maxSockets ?? DEFAULT_MAX_SOCKETS,
    maxFreeSockets: opts.maxSockets ?? DEFAULT_MAX_SOCKETS,
    scheduling: 'lifo' as const,
  };
  const direct = { 'http:': new http.Agent(pool), 'https:': new https.Agent(pool) };
  const tunnelled = opts.proxy ? tunnelAgents(opts.proxy, pool) : undefined;
  const noProxy = opts.proxy?.noProxy ?? [];
  return (input, init = {}) => {
    const body = init.body;
    const plain =
      !(input instanceof Request) && (body == null || typeof body === 'string' || body instanceof Uint8Array);
    const url = new URL(input instanceof Request ? input.url : input);
    if (!plain || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      // The global fetch knows no egress proxy: behind one, such a request is refused, never sent direct.
      return tunnelled
        ? Promise.reject(new TypeError('only text bodies over http(s) go through the egress proxy'))
        : fetch(input, init);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    const proxied = tunnelled !== undefined && !bypassesProxy(url, noProxy);
    const agents = proxied ? tunnelled : direct;
    return new Promise<Response>((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers));
      const method = init.method ?? 'GET';
      let inFlight: http.ClientRequest | http.IncomingMessage | undefined;
      // An abort fails the request, or the body once it streams, with an AbortError (as undici's does).
      const onAbort = () => inFlight?.destroy(abortError(signal!) as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      /** `fresh`: on a connection of its own (agent: false), never one from the pool */
      const send = (fresh: boolean) => {
        // A fresh connection through the proxy is a tunnel of its own (an agent that keeps none).
        const agent = !fresh
          ? agents[url.protocol as 'http:']
          : proxied
            ? tunnelAgents(opts.proxy!, { keepAlive: false })[url.protocol as 'http:']
            : false;
        const options = { method, agent, headers };
        const req = url.protocol === 'https:' ? https.request(url, options) : http.request(url, options);
        inFlight = req;
        req.on('error', (error: NodeJS.ErrnoException) => {
          if (inFlight !== req) return; // answered (the body's own errors are the body's), or resent
          if (!fresh && req.reusedSocket && !signal?.aborted && STALE.has(error.code ?? '')) {
            opts.onResend?.();
            return send(true);
          }
          signal?.removeEventListener('abort', onAbort);
          reject(signal?.aborted ? abortError(signal) : fetchFailed(error));
        });
        req.once('response', (res) => {
          inFlight = res;
          res.once('close', () => signal?.removeEventListener('abort', onAbort));
          const status = res.statusCode ?? 0;
          const nullBody = NULL_BODY_STATUS.has(status) || method === 'HEAD';
          if (nullBody) res.resume();
          // A body cut short (connection dropped, request aborted) errors this stream.
          const entry = nullBody ? undefined : { stream: res as Readable, taken: false };
          const response = new Response(entry ? lazyWebBody(entry) : null, {
            status,
            statusText: res.statusMessage ?? '',
            headers: responseHeaders(res.rawHeaders),
          });
          if (entry) nodeStreams.set(response, entry);
          resolve(response);
        });
        req.end(body ?? undefined);
      };
      send(false);
    });
  };
}
