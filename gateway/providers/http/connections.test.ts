// nodeFetch's kept-alive connections against servers that close them: a request that meets a
// connection the server closed before reading it is sent once more on a new one; idle connections
// are closed here before the server's own idle close (a setting, or the server's Keep-Alive hint).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionBehaviour, governConnections } from '../../../test/support/standins/connections.ts';
import { nodeFetch } from './fetch.ts';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** answers `ok <n>` (n: requests it answered); `delayMs` before the answer's first byte */
async function serve(opts: { delayMs?: number; keepAliveTimeout?: number } = {}) {
  const b = connectionBehaviour();
  let answered = 0;
  const server = http.createServer((req, res) => {
    if (!live(req)) return;
    req
      .resume()
      .on('end', () =>
        setTimeout(
          () => res.writeHead(200, { 'content-type': 'text/plain' }).end(`ok ${(answered += 1)}`),
          opts.delayMs ?? 0,
        ),
      );
  });
  if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout;
  const live = governConnections(server, b);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, b, answered: () => answered };
}

const post = (fetch: ReturnType<typeof nodeFetch>, url: string) =>
  fetch(url, { method: 'POST', body: 'q' }).then((r) => r.text());
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('nodeFetch connections', () => {
  it('a request on a reused connection the server drops before answering is sent once more on a new connection', async () => {
    const s = await serve();
    let resent = 0;
    const fetch = nodeFetch({ onResend: () => void (resent += 1) });
    expect(await post(fetch, s.url)).toBe('ok 1');
    s.b.dropReused = true;
    expect(await post(fetch, s.url)).toBe('ok 2');
    expect(s.b.dropped).toBe(1);
    expect(resent).toBe(1);
    expect(s.answered()).toBe(2); // the server answered each request once
  });

  it('a burst on dropped reused connections: every request answered, each resent at most once', async () => {
    const s = await serve({ delayMs: 5 });
    let resent = 0;
    const fetch = nodeFetch({ onResend: () => void (resent += 1) });
    await Promise.all(Array.from({ length: 10 }, () => post(fetch, s.url)));
    s.b.dropReused = true;
    const answers = await Promise.all(Array.from({ length: 20 }, () => post(fetch, s.url)));
    expect(answers.every((a) => a.startsWith('ok '))).toBe(true);
    expect(resent).toBe(s.b.dropped);
    expect(resent).toBeGreaterThan(0);
    expect(resent).toBeLessThanOrEqual(20);
  });

  it('a failure on a new connection is not resent', async () => {
    const s = await serve();
    s.b.dropReused = true;
    let resent = 0;
    const fetch = nodeFetch({ onResend: () => void (resent += 1) });
    const port = new URL(s.url).port;
    servers.pop()!.close(); // nothing listens there now
    await pause(20);
    await expect(post(fetch, `http://127.0.0.1:${port}/x`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    expect(resent).toBe(0);
  });

  it('closes an idle connection after idleMs, before a server that closes without a hint', async () => {
    const s = await serve();
    s.b.idleCloseMs = 600;
    const fetch = nodeFetch({ idleMs: 150 });
    await post(fetch, s.url);
    await pause(400);
    expect(s.b.closedByClient).toBe(1);
  });

  it("honours the server's Keep-Alive hint when it is shorter than idleMs", async () => {
    const s = await serve({ keepAliveTimeout: 2000 }); // Node sends `Keep-Alive: timeout=2` and closes at 2 s
    const fetch = nodeFetch({ idleMs: 60_000 });
    await post(fetch, s.url);
    await pause(1400); // the hint less a second: closed here at 1 s
    expect(s.b.closedByClient).toBe(1);
  });

  it('an answer slower than idleMs still arrives (only idle connections are closed)', async () => {
    const s = await serve({ delayMs: 300 });
    const fetch = nodeFetch({ idleMs: 100 });
    expect(await post(fetch, s.url)).toBe('ok 1');
    expect(await post(fetch, s.url)).toBe('ok 2');
  });
});
