// Staff sign-in, tokens, refresh and sign-out through the real HTTP server and database.
import { randomBytes } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealAudit } from '../../server/audit/seal.ts';
import { verifyChain } from '../../server/audit/verify.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface ErrorBody {
  error: { id: string; message: string; requestId: string };
}
interface TokenBody {
  user: { id: string; role: string };
  accessToken: string;
  refreshToken: string;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let agentId: string;

beforeAll(async () => {
  // Sign-in itself under concurrency (50 at once for one account): the throttle's limits and queue
  // are set out of the way here; login-throttle.test.ts tests them.
  server = await startTestServer({
    LOGIN_IP_MAX_ATTEMPTS: '10000',
    LOGIN_ACCOUNT_MAX_ATTEMPTS: '10000',
    LOGIN_HASH_QUEUE: '1000',
  });
  agentId = await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
});
afterAll(async () => {
  await server?.stop();
});

const login = (email: string, password: string, mode: 'cookie' | 'bearer' = 'bearer') =>
  api<TokenBody & ErrorBody>(server, 'POST', '/api/auth/login', { body: { email, password, mode } });

/** `name=value; name2=value2` from a response's Set-Cookie headers. */
const cookieHeader = (setCookies: string[]) => setCookies.map((c) => c.split(';')[0]).join('; ');

/** A token with the server's own claims layout, signed as the caller chooses. */
function accessClaims(userId: string, sessionId: string) {
  return new SignJWT({ sid: sessionId, role: 'agent' })
    .setSubject(userId)
    .setIssuer('palisade')
    .setAudience('palisade-staff');
}

describe('sign-in modes', () => {
  it('cookie mode sets httpOnly SameSite=Strict cookies and puts no token in the body', async () => {
    const res = await login('agent@bank.example', PASSWORD, 'cookie');
    expect(res.status).toBe(200);
    expect(res.body.user.id).toBe(agentId);
    expect(res.text).not.toMatch(/accessToken|refreshToken/);
    const setCookies = res.headers.getSetCookie();
    const access = setCookies.find((c) => c.startsWith('palisade_at='));
    const refresh = setCookies.find((c) => c.startsWith('palisade_rt='));
    for (const c of [access, refresh]) {
      expect(c).toBeDefined();
      expect(c).toMatch(/;\s*httponly/i);
      expect(c).toMatch(/;\s*samesite=strict/i);
    }
    expect(refresh).toMatch(/;\s*path=\/api\/auth/i);
    // The token in the cookie is a real one: a GET with only the cookie is signed in.
    expect(res.text).not.toContain(access!.split(';')[0]!.split('=')[1]!);
    const me = await api<{ user: { id: string } }>(server, 'GET', '/api/auth/me', {
      headers: { Cookie: cookieHeader(setCookies) },
    });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(agentId);
  });

  it('bearer mode returns tokens in the body and sets no cookie', async () => {
    const res = await login('agent@bank.example', PASSWORD, 'bearer');
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    const me = await api<{ user: { id: string; role: string } }>(server, 'GET', '/api/auth/me', {
      token: res.body.accessToken,
    });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: agentId, role: 'agent' });
  });

  it('answers a wrong password and an unknown email identically, and keeps the email out of the audit log', async () => {
    const wrong = await login('agent@bank.example', 'not the password at all');
    const unknown = await login('nobody-here@bank.example', PASSWORD);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.id).toBe('invalid_credentials');
    const strip = (b: ErrorBody) => ({ ...b.error, requestId: undefined });
    expect(strip(unknown.body)).toEqual(strip(wrong.body));
    const rows = await auditEvents(server);
    expect(JSON.stringify(rows)).not.toContain('nobody-here');
    // Reset the failure count so later tests start clean.
    expect((await login('agent@bank.example', PASSWORD)).status).toBe(200);
  });
});

describe('lockout', () => {
  it(`locks the account after LOGIN_MAX_FAILURES wrong passwords, even for the right one afterwards`, async () => {
    const max = server.deps.config.auth.maxFailures;
    expect(max).toBe(5);
    const id = await seedStaff(server, { email: 'lockme@bank.example', password: PASSWORD, role: 'agent' });
    for (let i = 0; i < max - 1; i++)
      expect((await login('lockme@bank.example', `wrong password ${i}`)).status).toBe(401);
    expect(await auditCount(server, `action = 'auth.lockout' AND actor_id = $1`, [id])).toBe(0);
    expect((await login('lockme@bank.example', 'wrong password last')).status).toBe(401);
    const right = await login('lockme@bank.example', PASSWORD);
    expect(right.status).toBe(401);
    expect(right.body.error.id).toBe('invalid_credentials');
    const lockouts = await auditEvents(server, `action = 'auth.lockout' AND actor_id = $1`, [id]);
    expect(lockouts).toHaveLength(1);
    expect(lockouts[0]).toMatchObject({ resourceType: 'StaffUser', resourceId: id });
    const logins = await auditEvents(server, `action = 'auth.login' AND actor_id = $1`, [id]);
    expect(logins.at(-1)).toMatchObject({ outcome: 'failure', details: { cause: 'locked' } });
  });
});

// 50 bcrypt checks at cost 12 on a small machine: slow, and not a performance assertion.
describe('concurrent sign-ins', { timeout: 180_000 }, () => {
  it('50 concurrent right sign-ins for one account all succeed with distinct sessions and the chain holds', async () => {
    const id = await seedStaff(server, { email: 'busy@bank.example', password: PASSWORD, role: 'agent' });
    const results = await Promise.all(Array.from({ length: 50 }, () => login('busy@bank.example', PASSWORD)));
    expect(results.filter((r) => r.status !== 200).map((r) => r.text)).toEqual([]);
    const sessionIds = results.map((r) => decodeJwt(r.body.accessToken).sid);
    expect(new Set(sessionIds).size).toBe(50);
    expect(new Set(results.map((r) => r.body.refreshToken)).size).toBe(50);
    const [{ n } = { n: 0 }] = (await server.deps.db.dataSource.query(
      `SELECT count(*)::int AS n FROM staff_sessions WHERE user_id = $1`,
      [id],
    )) as { n: number }[];
    expect(n).toBe(50);
    expect(await auditCount(server, `action = 'auth.login' AND outcome = 'success' AND actor_id = $1`, [id])).toBe(50);
    await sealAudit(server.deps.db.dataSource);
    const verified = await server.deps.db.dataSource.transaction((tx) => verifyChain(tx));
    expect(verified.ok).toBe(true);
  });

  it('50 concurrent wrong sign-ins lock the account and count exactly LOGIN_MAX_FAILURES failures', async () => {
    const max = server.deps.config.auth.maxFailures;
    const id = await seedStaff(server, { email: 'attacked@bank.example', password: PASSWORD, role: 'agent' });
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => login('attacked@bank.example', `guess number ${i}`)),
    );
    expect(new Set(results.map((r) => `${r.status} ${r.body.error.id}`))).toEqual(new Set(['401 invalid_credentials']));
    const attempts = await auditEvents(server, `action = 'auth.login' AND actor_id = $1`, [id]);
    expect(attempts).toHaveLength(50);
    const counted = attempts.filter((e) => e.details.cause === 'wrong_password').map((e) => e.details.failures);
    expect(counted).toEqual(Array.from({ length: max }, (_, i) => i + 1));
    expect(attempts.filter((e) => e.details.cause === 'locked')).toHaveLength(50 - max);
    expect(await auditCount(server, `action = 'auth.lockout' AND actor_id = $1`, [id])).toBe(1);
    const [user] = (await server.deps.db.dataSource.query(
      `SELECT locked_until AS "lockedUntil" FROM staff_users WHERE id = $1`,
      [id],
    )) as { lockedUntil: Date | null }[];
    expect(user?.lockedUntil?.getTime()).toBeGreaterThan(Date.now());
    expect((await login('attacked@bank.example', PASSWORD)).status).toBe(401);
    await sealAudit(server.deps.db.dataSource);
    expect((await server.deps.db.dataSource.transaction((tx) => verifyChain(tx))).ok).toBe(true);
  });
});

describe('access tokens', () => {
  let good: TokenBody;
  let sessionId: string;
  beforeAll(async () => {
    good = (await login('agent@bank.example', PASSWORD)).body;
    sessionId = String(decodeJwt(good.accessToken).sid);
  });
  const me = (token: string) => api<ErrorBody>(server, 'GET', '/api/auth/me', { token });

  it('accepts a token the test signs with the server key and a future expiry (the control for the cases below)', async () => {
    const token = await accessClaims(agentId, sessionId)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(server.deps.secrets.jwtKey);
    expect((await me(token)).status).toBe(200);
  });

  it('refuses a token signed with another key', async () => {
    const token = await accessClaims(agentId, sessionId)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(randomBytes(32));
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('token_invalid');
  });

  it('refuses an expired token signed with the server key', async () => {
    const past = Math.floor(Date.now() / 1000) - 120;
    const token = await accessClaims(agentId, sessionId)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt(past - 900)
      .setExpirationTime(past)
      .sign(server.deps.secrets.jwtKey);
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('token_invalid');
  });

  it('refuses a token signed with the server key that carries no expiry', async () => {
    const token = await accessClaims(agentId, sessionId)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .sign(server.deps.secrets.jwtKey);
    expect(decodeJwt(token).exp).toBeUndefined();
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('token_invalid');
  });

  it('refuses an alg:none token carrying valid claims', async () => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: agentId,
      sid: sessionId,
      role: 'agent',
      iss: 'palisade',
      aud: 'palisade-staff',
      iat: now,
      exp: now + 300,
    };
    for (const token of [
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
      `${b64({ alg: 'none' })}.${b64(claims)}`,
    ]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.error.id).toBe('token_invalid');
    }
  });

  it('refuses garbage tokens and a missing one', async () => {
    for (const token of ['garbage', 'a.b.c', `${good.accessToken}x`, good.refreshToken]) {
      const res = await me(token);
      expect(res.status).toBe(401);
      expect(res.body.error.id).toBe('token_invalid');
    }
    const none = await api<ErrorBody>(server, 'GET', '/api/auth/me');
    expect(none.status).toBe(401);
    expect(none.body.error.id).toBe('unauthenticated');
  });

  it('refuses a correctly signed token whose session belongs to someone else', async () => {
    const otherId = await seedStaff(server, { email: 'other@bank.example', password: PASSWORD, role: 'admin' });
    const token = await accessClaims(otherId, sessionId)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(server.deps.secrets.jwtKey);
    const res = await me(token);
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('session_revoked');
  });

  it('refuses the token of a session that signed out', async () => {
    const session = await bearerLogin(server, 'agent@bank.example', PASSWORD);
    expect((await me(session.accessToken)).status).toBe(200);
    const out = await api(server, 'POST', '/api/auth/logout', { token: session.accessToken });
    expect(out.status).toBe(204);
    const res = await me(session.accessToken);
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('session_revoked');
    const refreshed = await api<ErrorBody>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect(refreshed.status).toBe(401);
    expect(refreshed.body.error.id).toBe('refresh_invalid');
    // Another session of the same user is untouched.
    expect((await me(good.accessToken)).status).toBe(200);
  });
});

describe('refresh', () => {
  it('rotates the refresh token; reusing an old one ends the session and is audited', async () => {
    const first = await bearerLogin(server, 'agent@bank.example', PASSWORD);
    const rotated = await api<TokenBody>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(first.refreshToken);
    expect(decodeJwt(rotated.body.accessToken).sid).toBe(decodeJwt(first.accessToken).sid);
    expect((await api(server, 'GET', '/api/auth/me', { token: rotated.body.accessToken })).status).toBe(200);

    const reuse = await api<ErrorBody>(server, 'POST', '/api/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.id).toBe('refresh_invalid');
    const events = await auditEvents(server, `action = 'auth.refresh_reuse' AND request_id = $1`, [
      reuse.headers.get('x-request-id'),
    ]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorId: agentId, outcome: 'denied' });
    for (const token of [first.accessToken, rotated.body.accessToken]) {
      const res = await api<ErrorBody>(server, 'GET', '/api/auth/me', { token });
      expect(res.status).toBe(401);
      expect(res.body.error.id).toBe('session_revoked');
    }
    // The newest refresh token dies with the session.
    expect(
      (await api(server, 'POST', '/api/auth/refresh', { body: { refreshToken: rotated.body.refreshToken } })).status,
    ).toBe(401);
  });

  it('refreshes from the cookie in cookie mode and sets new cookies', async () => {
    const res = await login('agent@bank.example', PASSWORD, 'cookie');
    const cookies = res.headers.getSetCookie();
    const refreshed = await api(server, 'POST', '/api/auth/refresh', { headers: { Cookie: cookieHeader(cookies) } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.text).not.toMatch(/accessToken|refreshToken/);
    const next = refreshed.headers.getSetCookie();
    const oldRt = cookies.find((c) => c.startsWith('palisade_rt='))!.split(';')[0];
    const newRt = next.find((c) => c.startsWith('palisade_rt='))!.split(';')[0];
    expect(newRt).toBeDefined();
    expect(newRt).not.toBe(oldRt);
  });
});

describe('cookie-authenticated writes', () => {
  it('refuses a write from a foreign Origin (csrf_rejected) and leaves the session alive', async () => {
    const res = await login('agent@bank.example', PASSWORD, 'cookie');
    const Cookie = cookieHeader(res.headers.getSetCookie());
    const foreign = await api<ErrorBody>(server, 'POST', '/api/auth/logout', {
      headers: { Cookie, Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.id).toBe('csrf_rejected');
    const nullOrigin = await api<ErrorBody>(server, 'POST', '/api/auth/logout', {
      headers: { Cookie, Origin: 'null' },
    });
    expect(nullOrigin.status).toBe(403);
    expect((await api(server, 'GET', '/api/auth/me', { headers: { Cookie } })).status).toBe(200);

    const own = await api(server, 'POST', '/api/auth/logout', {
      headers: { Cookie, Origin: new URL(server.url).origin },
    });
    expect(own.status).toBe(204);
    const after = await api<ErrorBody>(server, 'GET', '/api/auth/me', { headers: { Cookie } });
    expect(after.status).toBe(401);
    expect(after.body.error.id).toBe('session_revoked');
  });

  it('refuses a cookie refresh from a foreign Origin without rotating the token', async () => {
    const res = await login('agent@bank.example', PASSWORD, 'cookie');
    const Cookie = cookieHeader(res.headers.getSetCookie());
    const foreign = await api<ErrorBody>(server, 'POST', '/api/auth/refresh', {
      headers: { Cookie, Origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.id).toBe('csrf_rejected');
    expect(foreign.headers.getSetCookie()).toEqual([]);
    // The refresh token was not used up: our own page can still refresh with it.
    const own = await api(server, 'POST', '/api/auth/refresh', {
      headers: { Cookie, Origin: new URL(server.url).origin },
    });
    expect(own.status).toBe(200);
  });
});
