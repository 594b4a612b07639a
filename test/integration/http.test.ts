// HTTP basics through the real server: error bodies, body limits, request ids, security headers,
// CORS, health, a real 500, and what the logs may never contain.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface ErrorBody {
  error: { id: string; message: string; requestId: string; issues?: unknown[] };
}

const LIMIT = 4096;
const WIDGET_ORIGIN = 'https://www.bank.example';
const EMAIL = 'http.tester@bank.example';
const PASSWORD = 'correct horse battery staple';
const WRONG_PASSWORD = 'definitely-not-it-1234';
let server: TestServer;
let tokens: { accessToken: string; refreshToken: string };
/** Every error response this file got, to check the error shape on all of them. */
const errors: ApiResponse<ErrorBody>[] = [];

async function call(
  method: string,
  pathname: string,
  opts: Parameters<typeof api>[3] = {},
): Promise<ApiResponse<ErrorBody>> {
  const res = await api<ErrorBody>(server, method, pathname, opts);
  if (res.status >= 400) errors.push(res);
  return res;
}

/** A request written by hand, so the test controls Content-Length versus chunked encoding and the connection. */
function rawRequest(opts: {
  method: string;
  path: string;
  headers: Record<string, string>;
  chunks: Buffer[];
  agent?: http.Agent;
}): Promise<{ status: number; body: string; reusedSocket: boolean }> {
  return new Promise((resolve, reject) => {
    const url = new URL(server.url);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method,
        path: opts.path,
        headers: opts.headers,
        agent: opts.agent,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, reusedSocket: req.reusedSocket }));
        res.on('error', reject);
      },
    );
    req.setTimeout(3000, () => req.destroy(new Error('no answer within 3 s')));
    req.on('error', reject);
    (async () => {
      for (const chunk of opts.chunks) {
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

beforeAll(async () => {
  server = await startTestServer({ WIDGET_ORIGINS: WIDGET_ORIGIN, BODY_LIMIT_BYTES: String(LIMIT) });
  await seedStaff(server, { email: EMAIL, password: PASSWORD, role: 'admin', displayName: 'Http Tester' });
  tokens = await bearerLogin(server, EMAIL, PASSWORD);
});
afterAll(async () => {
  await server?.stop();
});

describe('request bodies', () => {
  it('answers malformed JSON with 400 malformed_json', async () => {
    for (const rawBody of ['{"email":', '{email: "x"}', "{'a':1}", '[1,2,']) {
      const res = await call('POST', '/api/auth/login', { rawBody, headers: { 'Content-Type': 'application/json' } });
      expect(res.status).toBe(400);
      expect(res.body.error.id).toBe('malformed_json');
    }
  });

  it('answers a body over BODY_LIMIT_BYTES with 413 when Content-Length says so', async () => {
    const res = await call('POST', '/api/auth/login', {
      rawBody: JSON.stringify({ email: 'x'.repeat(LIMIT), password: 'y' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(res.status).toBe(413);
    expect(res.body.error.id).toBe('payload_too_large');
  });

  it('answers an oversize body with 413 with or without Content-Length, and the connection stays usable', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = [Buffer.from('{"email":"'), ...Array<Buffer>(256).fill(Buffer.alloc(1024, 'x')), Buffer.from('"}')];
      const length = String(big.reduce((n, b) => n + b.length, 0));
      const small = [Buffer.from('{"email":"nobody@bank.example",'), Buffer.from(`"password":"${WRONG_PASSWORD}"}`)];
      const send = (chunks: Buffer[], framing: Record<string, string>) =>
        rawRequest({
          method: 'POST',
          path: '/api/auth/login',
          headers: { 'Content-Type': 'application/json', ...framing },
          chunks,
          agent,
        });
      const framings: Record<string, string>[] = [{ 'Transfer-Encoding': 'chunked' }, { 'Content-Length': length }];
      for (const framing of framings) {
        const tooLarge = await send(big, framing);
        expect(tooLarge.status, JSON.stringify(framing)).toBe(413);
        expect((JSON.parse(tooLarge.body) as ErrorBody).error.id).toBe('payload_too_large');
        // The next request on the same keep-alive connection is read and answered normally.
        const next = await send(small, { 'Transfer-Encoding': 'chunked' });
        expect(next.status, JSON.stringify(framing)).toBe(401);
        expect((JSON.parse(next.body) as ErrorBody).error.id).toBe('invalid_credentials');
        expect(next.reusedSocket).toBe(true);
      }
    } finally {
      agent.destroy();
    }
  });

  it('answers a non-JSON content type with 415', async () => {
    const json = JSON.stringify({ email: EMAIL, password: WRONG_PASSWORD });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const res = await call('POST', '/api/auth/login', { rawBody: json, headers: { 'Content-Type': type } });
      expect(res.status, type).toBe(415);
      expect(res.body.error.id).toBe('unsupported_media_type');
    }
  });
});

describe('routing', () => {
  it('answers unknown routes with 404 JSON not_found', async () => {
    for (const p of ['/api/nope', '/nope', `/api/users/x/y?email=${encodeURIComponent(EMAIL)}`]) {
      const res = await call('GET', p, { token: tokens.accessToken });
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.body.error.id).toBe('not_found');
    }
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    for (const [method, p, allowed] of [
      ['PUT', '/api/auth/login', 'POST'],
      ['DELETE', '/api/audit/verify', 'GET'],
      ['POST', '/healthz', 'GET'],
    ] as const) {
      const res = await call(method, p, { token: tokens.accessToken });
      expect(res.status, `${method} ${p}`).toBe(405);
      expect(res.body.error.id).toBe('method_not_allowed');
      expect(res.headers.get('allow')).toContain(allowed);
    }
  });
});

describe('request ids', () => {
  it('echoes a safe X-Request-Id in the header and the error body', async () => {
    const id = 'client-req_0123.4567:89';
    const res = await call('GET', '/api/nope', { headers: { 'X-Request-Id': id } });
    expect(res.headers.get('x-request-id')).toBe(id);
    expect(res.body.error.requestId).toBe(id);
  });

  it('replaces an unsafe or odd X-Request-Id with its own', async () => {
    for (const id of ['short', 'has spaces in it 12345', '<script>alert(1)</script>', 'x'.repeat(65), `id-${EMAIL}`]) {
      const res = await call('GET', '/api/nope', { headers: { 'X-Request-Id': id } });
      const given = res.headers.get('x-request-id');
      expect(given).not.toBe(id);
      expect(given).toMatch(/^[0-9a-f-]{36}$/);
      expect(res.body.error.requestId).toBe(given);
    }
  });
});

describe('security headers', () => {
  it('are on pages, API answers and API errors; API answers are never cached', async () => {
    const probes = [
      await call('GET', '/healthz'),
      await call('GET', '/setup'),
      await call('GET', '/api/auth/me', { token: tokens.accessToken }),
      await call('GET', '/api/auth/me'),
      await call('GET', '/api/audit/events'),
      await call('GET', '/api/nope'),
      await call('POST', '/api/auth/login', { body: { email: EMAIL } }),
    ];
    for (const res of probes) {
      const h = res.headers;
      expect(h.get('content-security-policy')).toMatch(/default-src 'self'/);
      expect(h.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('x-frame-options')).toBe('DENY');
      expect(h.get('referrer-policy')).toBe('no-referrer');
    }
    for (const res of probes.slice(2)) expect(res.headers.get('cache-control'), String(res.status)).toBe('no-store');
  });
});

describe('Content-Security-Policy', () => {
  it('is built from PUBLIC_URL, never from a Host header the client chose', async () => {
    const hostile = "x; script-src 'unsafe-inline' *";
    const pages = ['/demo', '/setup', '/healthz', '/api/auth/me'];
    for (const page of pages) {
      const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
        const url = new URL(server.url);
        const req = http.request(
          { host: url.hostname, port: url.port, method: 'GET', path: page, headers: { Host: hostile } },
          resolve,
        );
        req.on('error', reject);
        req.end();
      });
      res.resume();
      const csp = String(res.headers['content-security-policy']);
      expect(csp, page).toMatch(/^default-src 'self'/);
      expect(csp, page).not.toContain('unsafe-inline');
      expect(csp, page).not.toContain(' *');
      expect(csp, page).not.toMatch(/(^|[\s;])x;/);
    }
    const demo = await call('GET', '/demo');
    const publicUrl = new URL(server.deps.config.publicUrl);
    expect(demo.headers.get('content-security-policy')).toContain(`connect-src 'self' ws://${publicUrl.host};`);
  });
});

describe('CORS', () => {
  const preflight = (p: string, origin: string) =>
    call('OPTIONS', p, {
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    });

  it('allows the configured widget origin on the widget API (the control)', async () => {
    const res = await preflight('/api/widget/conversations', WIDGET_ORIGIN);
    expect(res.headers.get('access-control-allow-origin')).toBe(WIDGET_ORIGIN);
  });

  it('gives no Access-Control-Allow-Origin to unconfigured origins or on staff APIs', async () => {
    const probes = [
      await preflight('/api/widget/conversations', 'https://evil.example'),
      await preflight('/api/auth/login', WIDGET_ORIGIN),
      await preflight('/api/users', WIDGET_ORIGIN),
      await call('GET', '/api/auth/me', { token: tokens.accessToken, headers: { Origin: WIDGET_ORIGIN } }),
      await call('GET', '/api/audit/events', { token: tokens.accessToken, headers: { Origin: WIDGET_ORIGIN } }),
      await call('POST', '/api/auth/login', {
        body: { email: EMAIL, password: WRONG_PASSWORD },
        headers: { Origin: WIDGET_ORIGIN },
      }),
      await call('GET', '/api/auth/me', { token: tokens.accessToken, headers: { Origin: 'https://evil.example' } }),
    ];
    for (const res of probes) {
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });
});

describe('health', () => {
  it('/healthz says the process is up and /readyz that the database answers', async () => {
    const health = await api<{ status: string }>(server, 'GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    const ready = await api<{ status: string; database: string }>(server, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', database: server.db.kind, fallbacks: {} });
  });
});

describe('an internal error', () => {
  it('is a 500 that says nothing internal, logged with its request id', async () => {
    // A real fault in the real stack: the sessions table is gone while a signed-in request runs.
    await server.deps.db.dataSource.query(`ALTER TABLE staff_sessions RENAME TO staff_sessions_gone`);
    let res: ApiResponse<ErrorBody>;
    try {
      res = await call('GET', '/api/auth/me', { token: tokens.accessToken });
    } finally {
      await server.deps.db.dataSource.query(`ALTER TABLE staff_sessions_gone RENAME TO staff_sessions`);
    }
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { id: 'internal_error', message: 'Internal error.', requestId: res.headers.get('x-request-id') },
    });
    expect(res.text).not.toMatch(/staff_sessions|relation|select|stack|\.ts/i);
    const logged = server
      .logs()
      .filter((l) => l.message === 'http.unhandled' && l.requestId === res.body.error.requestId);
    expect(logged).toHaveLength(1);
    expect((await api(server, 'GET', '/api/auth/me', { token: tokens.accessToken })).status).toBe(200);
  });
});

describe('every error answer', () => {
  it('has error.id, error.message, error.requestId, and the X-Request-Id header matches', () => {
    expect(errors.length).toBeGreaterThan(20);
    for (const res of errors) {
      expect(typeof res.body.error.id).toBe('string');
      expect(res.body.error.message.length).toBeGreaterThan(0);
      expect(res.body.error.requestId).toBe(res.headers.get('x-request-id'));
    }
  });
});

describe('logs', () => {
  it('never contain the passwords, emails or tokens this file used', async () => {
    // Sign in once more in cookie mode, then out, so cookie and refresh paths have been logged too.
    const cookieLogin = await api(server, 'POST', '/api/auth/login', {
      body: { email: EMAIL.toUpperCase(), password: PASSWORD, mode: 'cookie' },
    });
    const cookie = cookieLogin.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    await api(server, 'POST', '/api/auth/refresh', { body: { refreshToken: tokens.refreshToken } });
    await api(server, 'POST', '/api/auth/logout', { headers: { Cookie: cookie } });
    const logs = server.rawLogs();
    expect(server.logs().filter((l) => l.message === 'http.request').length).toBeGreaterThan(40);
    const secrets = [
      EMAIL,
      EMAIL.toUpperCase(),
      'bank.example',
      PASSWORD,
      WRONG_PASSWORD,
      tokens.accessToken,
      tokens.refreshToken,
      tokens.accessToken.split('.')[2]!,
      ...cookie.split('; ').map((c) => c.split('=')[1]!),
    ];
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(encodeURIComponent(EMAIL));
    expect(logs).not.toMatch(/\$2[aby]\$/);
  });
});
