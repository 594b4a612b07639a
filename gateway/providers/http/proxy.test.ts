// The egress proxy against a real CONNECT proxy on loopback: calls go through it (TLS inside the
// tunnel for https), its exceptions go direct, and a proxy that refuses or is gone fails the
// request with its own code and nothing reaches the target directly.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startConnectProxy, type ConnectProxy } from '../../../test/support/connectProxy.ts';
import { networkCause } from '../../model/errors.ts';
import { nodeFetch } from './fetch.ts';
import { bypassesProxy, tunnelAgents } from './proxy.ts';

describe('bypassesProxy (NO_PROXY conventions)', () => {
  const cases: [string, string[], boolean][] = [
    ['https://api.openai.com/v1', [], false],
    ['https://api.openai.com/v1', ['*'], true],
    ['https://api.openai.com/v1', ['api.openai.com'], true],
    ['https://api.openai.com/v1', ['.openai.com'], true],
    ['https://api.openai.com/v1', ['*.openai.com'], true],
    ['https://openai.com/v1', ['.openai.com'], true],
    ['https://notopenai.com/v1', ['.openai.com'], false],
    ['https://api.openai.com/v1', ['openai.com'], false],
    ['https://api.openai.com/v1', ['api.openai.com:8443'], false],
    ['https://api.openai.com:8443/v1', ['api.openai.com:8443'], true],
    ['http://llm.bank.internal/v1', ['llm.bank.internal:80'], true],
    ['http://[::1]:9000/v1', ['[::1]:9000'], true],
    ['https://API.OpenAI.com/v1', [' Api.openai.com '], true],
  ];
  it.each(cases)('%s with %j: direct=%s', (url, noProxy, direct) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(direct);
  });
});

describe('nodeFetch through a CONNECT proxy', () => {
  let proxy: ConnectProxy;
  let target: http.Server;
  let targetUrl = '';
  const received: string[] = [];
  beforeAll(async () => {
    proxy = await startConnectProxy();
    target = http.createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`got ${req.url}`);
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await proxy.close();
    await new Promise((resolve) => target.close(resolve));
  });
  beforeEach(() => {
    proxy.connects.length = 0;
    proxy.auth.length = 0;
    proxy.refuse = false;
    received.length = 0;
  });

  it('tunnels each connection through the proxy and keeps the tunnel alive for the next request', async () => {
    const fetch = nodeFetch({ proxy: { url: proxy.url } });
    expect(await (await fetch(`${targetUrl}/one`)).text()).toBe('got /one');
    expect(await (await fetch(`${targetUrl}/two`)).text()).toBe('got /two');
    expect(proxy.connects).toEqual([targetUrl.replace('http://', '')]);
    expect(received).toEqual(['/one', '/two']);
  });

  it('sends the credentials in the proxy URL as Proxy-Authorization', async () => {
    const withUser = proxy.url.replace('http://', 'http://egress%40bank:s3cret@');
    await (await nodeFetch({ proxy: { url: withUser } })(`${targetUrl}/auth`)).text();
    expect(proxy.auth).toEqual([`Basic ${Buffer.from('egress@bank:s3cret').toString('base64')}`]);
  });

  it('goes direct to the hosts in noProxy, and only to them', async () => {
    const fetch = nodeFetch({ proxy: { url: proxy.url, noProxy: ['127.0.0.1'] } });
    expect(await (await fetch(`${targetUrl}/direct`)).text()).toBe('got /direct');
    expect(proxy.connects).toEqual([]);
    const other = nodeFetch({ proxy: { url: proxy.url, noProxy: ['.bank.internal'] } });
    await (await other(`${targetUrl}/tunnelled`)).text();
    expect(proxy.connects).toHaveLength(1);
  });

  it('a proxy that refuses the tunnel fails the request (proxy_refused); nothing goes direct', async () => {
    proxy.refuse = true;
    const error = await nodeFetch({ proxy: { url: proxy.url } })(`${targetUrl}/refused`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(networkCause(error)).toBe('proxy_refused');
    expect(proxy.connects).toHaveLength(1);
    expect(received).toEqual([]);
  });

  it('a proxy that is not there fails the request (proxy_unreachable); nothing goes direct', async () => {
    const gone = http.createServer();
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const error = await nodeFetch({ proxy: { url: `http://127.0.0.1:${port}` } })(`${targetUrl}/gone`).catch(
      (e: unknown) => e,
    );
    expect(networkCause(error)).toBe('proxy_unreachable');
    expect(received).toEqual([]);
  });

  it('refuses a body the proxy-aware transport cannot send instead of sending it direct', async () => {
    const form = new FormData();
    form.set('file', 'x');
    await expect(
      nodeFetch({ proxy: { url: proxy.url } })(`${targetUrl}/upload`, { method: 'POST', body: form }),
    ).rejects.toThrow(/egress proxy/);
    expect(received).toEqual([]);
  });

  it('speaks TLS inside the tunnel to an https endpoint, checking its certificate', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'palisade-tls-'));
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const secure = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) =>
      res.end(`secure ${req.url}`),
    );
    await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
    const port = (secure.address() as AddressInfo).port;
    try {
      const get = (ca?: Buffer) =>
        new Promise<string>((resolve, reject) => {
          const agent = tunnelAgents({ url: proxy.url }, { keepAlive: false, ...(ca ? { ca } : {}) })['https:'];
          https
            .get({ host: 'localhost', port, path: '/tls', agent }, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => resolve(text));
            })
            .on('error', reject);
        });
      expect(await get(readFileSync(cert))).toBe('secure /tls');
      expect(proxy.connects).toEqual([`localhost:${port}`]);
      await expect(get()).rejects.toThrow(/self-signed|self signed/);
    } finally {
      await new Promise((resolve) => secure.close(resolve));
    }
  });
});
