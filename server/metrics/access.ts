// Who may read the metrics. They are operational data (route names, targets, counts), not personal
// data, but a bank does not publish them: they are served on a listener of their own
// (METRICS_LISTEN, loopback unless told otherwise) and/or to a bearer token read from a file
// (METRICS_TOKEN_FILE, refused when group- or world-readable). With neither, /metrics is not served.
import { createHash, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConfigError } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from './registry.ts';

const MIN_TOKEN_CHARS = 32;

export function readMetricsToken(file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ConfigError([{ variable: 'METRICS_TOKEN_FILE', problem: `cannot read ${file}` }]);
  }
  if ((stat.mode & 0o077) !== 0)
    throw new ConfigError([
      {
        variable: 'METRICS_TOKEN_FILE',
        problem: `${file} is readable by group/others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      },
    ]);
  const token = fs.readFileSync(file, 'utf8').trim();
  if (token.length < MIN_TOKEN_CHARS || /\s/.test(token)) {
    throw new ConfigError([
      {
        variable: 'METRICS_TOKEN_FILE',
        problem: `must hold one token of at least ${MIN_TOKEN_CHARS} characters (e.g. openssl rand -hex 32)`,
      },
    ]);
  }
  return token;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** true when no token is required, or the Authorization header carries it (compared in constant time). */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined) return true;
  const given = /^Bearer (\S+)$/.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export interface MetricsListener {
  url: string;
  close(): Promise<void>;
}

/** A plain HTTP server that answers GET /metrics and nothing else. */
export async function startMetricsListener(opts: {
  host: string;
  port: number;
  metrics: Metrics;
  token?: string;
  logger: Logger;
}): Promise<MetricsListener> {
  const { metrics, token } = opts;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    if (!bearerMatches(req.headers.authorization, token)) {
      res.writeHead(401, { 'Content-Type': 'text/plain', 'WWW-Authenticate': 'Bearer' }).end('unauthenticated\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) =>
        res
          .writeHead(200, { 'Content-Type': metrics.registry.contentType, 'Cache-Control': 'no-store' })
          .end(req.method === 'HEAD' ? undefined : text),
      (error: unknown) => {
        opts.logger.error('metrics.scrape_failed', { error });
        res.writeHead(500, { 'Content-Type': 'text/plain' }).end('internal error\n');
      },
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  opts.logger.info('metrics.listening', {
    port: address.port,
    loopback: address.address === '127.0.0.1' || address.address === '::1',
    token: token !== undefined,
  });
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
