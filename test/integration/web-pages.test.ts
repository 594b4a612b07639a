// What a newcomer's browser gets from a fresh appliance: a landing page at / (not a JSON 404), the
// widget compressed the way the browser accepts (brotli or gzip, made at build time) with
// `Vary: Accept-Encoding`, long-lived caching for hashed file names, and a bank page on an origin
// not yet allowed can read why it is refused while the operator finds the origin in the log.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Koa from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtFileReader, isHashedName, sendBuilt } from '../../server/routes/staticFiles.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import { ensureWidgetBuilt } from '../support/widgetPage.ts';

/** A raw GET (fetch would decode the body and hide the encoding). */
function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      })
      .on('error', reject);
  });
}

describe('the appliance in a browser, first contact', () => {
  let server: TestServer;
  beforeAll(async () => {
    ensureWidgetBuilt();
    server = await startTestServer({ WIDGET_ORIGINS: 'https://www.bank.example' });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('GET / is a landing page linking the demo and the docs, not a JSON 404', async () => {
    const res = await api(server, 'GET', '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.text).toContain('<a href="/demo">Demo bank page</a>');
    expect(res.text).toContain('README.md');
    expect(res.text).toMatch(/<link rel="stylesheet" href="\/home\/home\.css" ?\/?>/);
    expect(res.text).not.toContain('<!--console-->');
    const css = await api(server, 'GET', '/home/home.css');
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    // Under the appliance's own CSP (no inline styles or scripts on the page).
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.text).not.toMatch(/<script|style=/);
  });

  it('sends widget.js brotli- or gzip-encoded as the browser accepts, the same bytes once decoded, varying by Accept-Encoding', async () => {
    const plain = await rawGet(`${server.url}/widget.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/Accept-Encoding/);
    expect(plain.body.toString('utf8')).toContain('palisade-chat');

    const br = await rawGet(`${server.url}/widget.js`, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/Accept-Encoding/);
    expect(zlib.brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 2.5);

    const gz = await rawGet(`${server.url}/widget.js`, { 'Accept-Encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(zlib.gunzipSync(gz.body).equals(plain.body)).toBe(true);
    // One ETag for every encoding (it names the file, not the bytes sent); the stable URL is cached briefly.
    expect(gz.headers.etag).toBe(plain.headers.etag);
    expect(plain.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    const again = await rawGet(`${server.url}/widget.js`, {
      'Accept-Encoding': 'br',
      'If-None-Match': plain.headers.etag!,
    });
    expect(again.status).toBe(304);
  });

  it('a page on an origin not yet allowed reads origin_not_allowed from the config call, and the server logs the origin once', async () => {
    const stranger = 'http://localhost:49999';
    const first = await api(server, 'GET', '/api/widget/config?site=retail', { headers: { Origin: stranger } });
    expect(first.status).toBe(403);
    expect((first.body as { error: { id: string } }).error.id).toBe('origin_not_allowed');
    expect(first.headers.get('access-control-allow-origin')).toBe(stranger);
    // Only the refusal is readable: the chat's other calls stay closed to that origin.
    const session = await api(server, 'POST', '/api/widget/sessions', {
      headers: { Origin: stranger },
      body: { site: 'retail' },
    });
    expect(session.status).toBe(403);
    expect(session.headers.get('access-control-allow-origin')).toBeNull();
    const logged = server.logs().filter((l) => l.message === 'widget.origin_not_allowed');
    expect(logged).toHaveLength(1); // once in ten minutes per site and origin, however many page views
    expect(logged[0]).toMatchObject({ level: 'warn', site: 'retail', origin: stranger });
    // An allowed origin is unaffected.
    const allowed = await api(server, 'GET', '/api/widget/config?site=retail', {
      headers: { Origin: 'https://www.bank.example' },
    });
    expect(allowed.status).toBe(200);
  });
});

describe('built files with hashed names', () => {
  let dir: string;
  let url = '';
  let close: () => void;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-static-'));
    const body = Buffer.from(`console.log(${JSON.stringify('x'.repeat(4000))});\n`);
    for (const name of ['app-3f9c2a1b.js', 'app.js']) {
      fs.writeFileSync(path.join(dir, name), body);
      fs.writeFileSync(path.join(dir, `${name}.gz`), zlib.gzipSync(body));
    }
    const app = new Koa();
    app.use((ctx) => {
      const name = ctx.path.slice(1);
      const file = builtFileReader(new URL(`file://${path.join(dir, name)}`))();
      if (file) sendBuilt(ctx, file, { type: 'application/javascript; charset=utf-8', name });
    });
    const s = app.listen(0, '127.0.0.1');
    await new Promise((r) => s.once('listening', r));
    url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
    close = () => s.close();
  });
  afterAll(() => {
    close?.();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are cached for a year; other names briefly; a twin older than its file is never sent', async () => {
    const hashed = await rawGet(`${url}/app-3f9c2a1b.js`, { 'Accept-Encoding': 'gzip' });
    expect(hashed.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(hashed.headers['content-encoding']).toBe('gzip');
    const stable = await rawGet(`${url}/app.js`, { 'Accept-Encoding': 'gzip' });
    expect(stable.headers['cache-control']).toBe('public, max-age=300, must-revalidate');
    // A rebuild rewrote app.js but not its twin: the stale .gz must not be sent.
    const later = new Date(Date.now() + 5000);
    fs.writeFileSync(path.join(dir, 'app.js'), 'console.log("rebuilt");\n');
    fs.utimesSync(path.join(dir, 'app.js'), later, later);
    const rebuilt = await rawGet(`${url}/app.js`, { 'Accept-Encoding': 'gzip' });
    expect(rebuilt.headers['content-encoding']).toBeUndefined();
    expect(rebuilt.body.toString()).toBe('console.log("rebuilt");\n');
  });

  it('tells hashed names from plain ones', () => {
    for (const name of ['index-B3dE9xYz.js', 'app.3f9c2a1b.css', 'chunk-0a1b2c3d4e.js'])
      expect(isHashedName(name), name).toBe(true);
    for (const name of ['widget.js', 'setup.js', 'palisade-dashboard.js', 'widget-abcdefgh.js'])
      expect(isHashedName(name), name).toBe(false);
  });
});
