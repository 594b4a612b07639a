// Cloud calls through the bank's egress proxy: each connection is an HTTP CONNECT tunnel to the
// endpoint's host and port, TLS inside it end to end (the proxy sees the host name, never the
// text). A proxy that refuses the tunnel or cannot be reached fails the connection with a code of
// its own (EPROXY_REFUSED, EPROXY_UNREACHABLE): there is no fallback to a direct connection.
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface EgressProxy {
  /** http://proxy.bank.internal:3128 (a user:password in it is sent as Proxy-Authorization) */
  url: string;
  /** hosts reached directly: `name`, `.suffix` or `*.suffix` (the name and below), `name:port`, `*` (all) */
  noProxy?: string[];
}

/** ms to wait for the proxy's answer to CONNECT */
const CONNECT_TIMEOUT_MS = 10_000;

/** Whether `target` goes direct by the proxy's exceptions (NO_PROXY's conventions, lower-cased, no wildcards inside names). */
export function bypassesProxy(target: URL, noProxy: readonly string[]): boolean {
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy.some((raw) => {
    const entry = raw.trim().toLowerCase();
    if (entry === '*') return true;
    const m = /^(.*?)(?::(\d+))?$/.exec(entry.replace(/^\[(.*)\]/, '$1'))!;
    const [name, entryPort] = [m[1]!.replace(/^\*/, ''), m[2]];
    if (!name || (entryPort && entryPort !== port)) return false;
    return name.startsWith('.') ? host === name.slice(1) || host.endsWith(name) : host === name;
  });
}

class ProxyFailure extends Error {
  constructor(
    readonly code: 'EPROXY_REFUSED' | 'EPROXY_UNREACHABLE',
    message: string,
    readonly status?: number,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'ProxyFailure';
  }
}

type Done = (err: Error | null, stream: Duplex) => void;

/** Opens a tunnel through `proxy` to host:port; `done` gets the raw socket or the failure. */
function tunnel(proxy: URL, host: string, port: number, done: (error: Error | null, socket?: Socket) => void) {
  const auth = proxy.username
    ? {
        'proxy-authorization': `Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}`,
      }
    : {};
  const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const req = http.request({
    host: proxy.hostname,
    port: Number(proxy.port || 80),
    method: 'CONNECT',
    path: authority,
    headers: { host: authority, ...auth },
    agent: false,
  });
  let settled = false;
  const settle = (error: Error | null, socket?: Socket) => {
    if (settled) return socket?.destroy();
    settled = true;
    done(error, socket);
  };
  req.setTimeout(CONNECT_TIMEOUT_MS, () =>
    req.destroy(Object.assign(new Error('no answer to CONNECT'), { code: 'ETIMEDOUT' })),
  );
  req.once('connect', (res, socket, head) => {
    if (res.statusCode !== 200) {
      socket.destroy();
      return settle(
        new ProxyFailure(
          'EPROXY_REFUSED',
          `the egress proxy refused the tunnel (HTTP ${res.statusCode})`,
          res.statusCode,
        ),
      );
    }
    if (head.length > 0) socket.unshift(head);
    settle(null, socket);
  });
  // A proxy that answers CONNECT with anything but a CONNECT response (or closes) refuses it too.
  req.once('response', (res) => {
    res.resume();
    settle(
      new ProxyFailure(
        'EPROXY_REFUSED',
        `the egress proxy refused the tunnel (HTTP ${res.statusCode})`,
        res.statusCode,
      ),
    );
  });
  req.once('error', (error) =>
    settle(new ProxyFailure('EPROXY_UNREACHABLE', 'the egress proxy cannot be reached', undefined, error)),
  );
  req.end();
}

/** Keep-alive agents whose connections are tunnels through the proxy (TLS inside for https). */
export function tunnelAgents(
  proxy: EgressProxy,
  pool: http.AgentOptions,
): { 'http:': http.Agent; 'https:': https.Agent } {
  const url = new URL(proxy.url);
  class HttpTunnel extends http.Agent {
    override createConnection(options: http.ClientRequestArgs, done?: Done): Duplex | null | undefined {
      tunnel(url, String(options.hostname ?? options.host), Number(options.port ?? 80), (error, socket) =>
        error ? done!(error, undefined as never) : done!(null, socket!),
      );
      return undefined;
    }
  }
  class HttpsTunnel extends https.Agent {
    override createConnection(options: https.RequestOptions, done?: Done): Duplex | null | undefined {
      const host = String(options.hostname ?? options.host);
      tunnel(url, host, Number(options.port ?? 443), (error, socket) => {
        if (error) return done!(error, undefined as never);
        const secure = tls.connect({
          ...(options as tls.ConnectionOptions),
          socket,
          servername: options.servername ?? (isIP(host) ? undefined : host),
        });
        done!(null, secure);
      });
      return undefined;
    }
  }
  return { 'http:': new HttpTunnel(pool), 'https:': new HttpsTunnel(pool) };
}
