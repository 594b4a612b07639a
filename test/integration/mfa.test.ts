// The TOTP second factor through the real HTTP server and database: enrolment at sign-in for a role
// that requires it, the two-step sign-in, replay, recovery codes, lockout and throttling, the
// administrator's reset. The appliance's clock is the test's, so codes never race a step boundary.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../server/auth/mfa/totp.ts';
import { auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface Body {
  mfa?: { step: 'verify' | 'enrol'; challenge: string; expiresAt: string };
  user?: { id: string; role: string };
  accessToken?: string;
  secret?: string;
  otpauthUrl?: string;
  qrCode?: string;
  recoveryCodes?: string[];
  error?: { id: string };
  enrolled?: boolean;
  recoveryCodesLeft?: number;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let clock = Date.UTC(2026, 11, 7, 9, 0, 0);
const tick = (seconds = 30) => (clock += seconds * 1000);
const ids: Record<string, string> = {};
const secrets: Record<string, Uint8Array> = {};
const recovery: Record<string, string[]> = {};

beforeAll(async () => {
  server = await startTestServer(
    {
      MFA_REQUIRED_ROLES: 'admin,compliance_officer',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_ACCOUNT_MAX_ATTEMPTS: '6',
      LOGIN_IP_MAX_ATTEMPTS: '100000',
      MFA_CHALLENGE_TTL_SECONDS: '120',
    },
    { now: () => new Date(clock) },
  );
  for (const role of ['admin', 'agent', 'compliance_officer'] as const)
    ids[role] = await seedStaff(server, { email: `${role}@bank.example`, password: PASSWORD, role });
});
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown, token?: string) => api<Body>(server, 'POST', path, { body, token });
const login = (role: string) =>
  post('/api/auth/login', { email: `${role}@bank.example`, password: PASSWORD, mode: 'bearer' });
const codeFor = (role: string) => totp(secrets[role]!, new Date(clock));

/** Sign-in with enrolment at the challenge a password answers; keeps the secret and the recovery codes. */
async function enrolAtSignIn(role: string): Promise<Body> {
  const first = await login(role);
  expect(first.body.mfa?.step).toBe('enrol');
  const enrol = await post('/api/auth/mfa/enrol', { challenge: first.body.mfa!.challenge });
  expect(enrol.status).toBe(200);
  secrets[role] = base32Decode(enrol.body.secret!);
  recovery[role] = enrol.body.recoveryCodes!;
  const done = await post('/api/auth/mfa/confirm', {
    challenge: first.body.mfa!.challenge,
    code: codeFor(role),
    mode: 'bearer',
  });
  expect(done.status).toBe(200);
  return { ...enrol.body, ...done.body };
}

describe('enrolment at sign-in (a role that requires a second factor)', () => {
  it('answers a right password with a challenge, not a session, and the challenge is no access token', async () => {
    const res = await login('admin');
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toBeUndefined();
    expect(res.body.mfa?.step).toBe('enrol');
    expect((await api(server, 'GET', '/api/auth/me', { token: res.body.mfa!.challenge })).status).toBe(401);
    // An enrolment challenge opens no second step.
    const verify = await post('/api/auth/mfa/verify', {
      challenge: res.body.mfa!.challenge,
      code: '123456',
      mode: 'bearer',
    });
    expect(verify.body.error?.id).toBe('mfa_challenge_invalid');
  });

  it('shows the secret once with its QR code and ten recovery codes, stores them sealed and hashed, and a code confirms', async () => {
    const first = await login('admin');
    const enrol = await post('/api/auth/mfa/enrol', { challenge: first.body.mfa!.challenge });
    expect(enrol.status).toBe(200);
    expect(enrol.headers.get('cache-control')).toBe('no-store');
    expect(enrol.body.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(enrol.body.qrCode!.split(',')[1]!, 'base64').toString()).toContain('<svg');
    expect(new URL(enrol.body.otpauthUrl!).searchParams.get('secret')).toBe(enrol.body.secret);
    const codes = enrol.body.recoveryCodes!;
    expect(new Set(codes).size).toBe(10);
    const stored = JSON.stringify(
      await server.deps.db.dataSource.query(
        `SELECT m.secret_ciphertext, r.code_hash FROM staff_mfa m JOIN staff_mfa_recovery_codes r USING (user_id) WHERE user_id = $1`,
        [ids.admin],
      ),
    );
    const rawSecret = Buffer.from(base32Decode(enrol.body.secret!));
    expect(stored).not.toContain(enrol.body.secret);
    expect(stored).not.toContain(rawSecret.toString('base64'));
    expect(stored).not.toContain(rawSecret.toString('hex'));
    for (const c of codes) expect(stored).not.toContain(c.replace('-', ''));
    secrets.admin = base32Decode(enrol.body.secret!);
    recovery.admin = codes;

    const wrong = await post('/api/auth/mfa/confirm', {
      challenge: first.body.mfa!.challenge,
      code: String((Number(codeFor('admin')) + 1) % 1_000_000).padStart(6, '0'),
      mode: 'bearer',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error?.id).toBe('mfa_code_invalid');
    const done = await post('/api/auth/mfa/confirm', {
      challenge: first.body.mfa!.challenge,
      code: codeFor('admin'),
      mode: 'bearer',
    });
    expect(done.status).toBe(200);
    expect(done.body.user?.id).toBe(ids.admin);
    expect((await api(server, 'GET', '/api/auth/me', { token: done.body.accessToken })).status).toBe(200);
    const actions = (await auditEvents(server, `actor_id = $1`, [ids.admin])).map((e) => `${e.action}:${e.outcome}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'auth.password_verified:success',
        'mfa.enrol_start:success',
        'mfa.enrol:success',
        'auth.login:success',
      ]),
    );
    // Enrolled: a second enrolment is refused until an administrator resets it.
    const again = await post('/api/auth/mfa/enrol', {}, done.body.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.error?.id).toBe('mfa_already_enrolled');
  });
});

describe('the two-step sign-in', () => {
  it('takes a fresh code, and refuses the same code (its time step) a second time', async () => {
    const reused = await login('admin');
    expect(reused.body.mfa?.step).toBe('verify');
    // The confirming code's step is spent.
    expect(
      (
        await post('/api/auth/mfa/verify', {
          challenge: reused.body.mfa!.challenge,
          code: codeFor('admin'),
          mode: 'bearer',
        })
      ).body.error?.id,
    ).toBe('mfa_code_invalid');
    tick();
    const code = codeFor('admin');
    const ok = await post('/api/auth/mfa/verify', { challenge: reused.body.mfa!.challenge, code, mode: 'bearer' });
    expect(ok.status).toBe(200);
    expect(ok.body.accessToken).toBeTruthy();
    const replay = await login('admin');
    const refused = await post('/api/auth/mfa/verify', { challenge: replay.body.mfa!.challenge, code, mode: 'bearer' });
    expect(refused.status).toBe(401);
    expect(refused.body.error?.id).toBe('mfa_code_invalid');
    // The previous step's code after a newer one was accepted: refused too.
    tick();
    expect(
      (
        await post('/api/auth/mfa/verify', {
          challenge: replay.body.mfa!.challenge,
          code: totp(secrets.admin!, new Date(clock - 60_000)),
          mode: 'bearer',
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await post('/api/auth/mfa/verify', {
          challenge: replay.body.mfa!.challenge,
          code: codeFor('admin'),
          mode: 'bearer',
        })
      ).status,
    ).toBe(200);
  });

  it('sets the same cookies as a password sign-in in cookie mode', async () => {
    tick();
    const first = await login('admin');
    const res = await post('/api/auth/mfa/verify', {
      challenge: first.body.mfa!.challenge,
      code: codeFor('admin'),
      mode: 'cookie',
    });
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/accessToken|refreshToken/);
    expect(res.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(
      expect.arrayContaining(['palisade_at', 'palisade_rt']),
    );
  });

  it('accepts each recovery code once, audited with the count left', async () => {
    const first = await login('admin');
    const code = recovery.admin![0]!.toUpperCase();
    const ok = await post('/api/auth/mfa/verify', {
      challenge: first.body.mfa!.challenge,
      recoveryCode: code,
      mode: 'bearer',
    });
    expect(ok.status).toBe(200);
    const used = await auditEvents(server, `action = 'mfa.recovery_used' AND actor_id = $1`, [ids.admin]);
    expect(used.at(-1)?.details).toMatchObject({ left: 9 });
    const again = await login('admin');
    expect(
      (await post('/api/auth/mfa/verify', { challenge: again.body.mfa!.challenge, recoveryCode: code, mode: 'bearer' }))
        .status,
    ).toBe(401);
    const status = await api<Body>(server, 'GET', '/api/auth/mfa', { token: ok.body.accessToken });
    expect(status.body).toMatchObject({ enrolled: true, required: true, recoveryCodesLeft: 9 });
  });

  it('refuses an expired challenge', async () => {
    const first = await login('admin');
    tick(121);
    const res = await post('/api/auth/mfa/verify', {
      challenge: first.body.mfa!.challenge,
      code: codeFor('admin'),
      mode: 'bearer',
    });
    expect(res.status).toBe(401);
    expect(res.body.error?.id).toBe('mfa_challenge_invalid');
  });
});

describe('lockout and throttling of the second factor', () => {
  it('locks the account after wrong codes like wrong passwords, then throttles', async () => {
    await enrolAtSignIn('compliance_officer');
    tick();
    const first = await login('compliance_officer');
    const wrong = String((Number(codeFor('compliance_officer')) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 3; i++)
      expect(
        (await post('/api/auth/mfa/verify', { challenge: first.body.mfa!.challenge, code: wrong, mode: 'bearer' }))
          .status,
      ).toBe(401);
    expect(
      await auditEvents(server, `action = 'auth.lockout' AND resource_id = $1`, [ids.compliance_officer]),
    ).toHaveLength(1);
    // Locked: the right code does not open a session, nor does the password.
    expect(
      (
        await post('/api/auth/mfa/verify', {
          challenge: first.body.mfa!.challenge,
          code: codeFor('compliance_officer'),
          mode: 'bearer',
        })
      ).status,
    ).toBe(401);
    expect((await login('compliance_officer')).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push(
        (await post('/api/auth/mfa/verify', { challenge: first.body.mfa!.challenge, code: wrong, mode: 'bearer' }))
          .status,
      );
    expect(statuses).toContain(429);
    const throttled = await post('/api/auth/mfa/verify', {
      challenge: first.body.mfa!.challenge,
      code: wrong,
      mode: 'bearer',
    });
    expect(throttled.body.error?.id).toBe('too_many_attempts');
    expect(throttled.headers.get('retry-after')).toBeTruthy();
  });
});

describe('a role that does not require it', () => {
  it('signs in in one step, may enrol while signed in, and then needs the second step', async () => {
    const { accessToken } = await bearerLogin(server, 'agent@bank.example', PASSWORD);
    expect((await api<Body>(server, 'GET', '/api/auth/mfa', { token: accessToken })).body).toMatchObject({
      enrolled: false,
      required: false,
    });
    const enrol = await post('/api/auth/mfa/enrol', {}, accessToken);
    expect(enrol.status).toBe(200);
    secrets.agent = base32Decode(enrol.body.secret!);
    expect((await post('/api/auth/mfa/confirm', { code: codeFor('agent') }, accessToken)).body).toEqual({
      enrolled: true,
    });
    const next = await login('agent');
    expect(next.body.mfa?.step).toBe('verify');
  });

  it('an administrator resets it (audited); only an administrator may', async () => {
    tick();
    const admin = await login('admin');
    const adminToken = (
      await post('/api/auth/mfa/verify', {
        challenge: admin.body.mfa!.challenge,
        code: codeFor('admin'),
        mode: 'bearer',
      })
    ).body.accessToken!;
    const agentFirst = await login('agent');
    const agentToken = (
      await post('/api/auth/mfa/verify', {
        challenge: agentFirst.body.mfa!.challenge,
        code: codeFor('agent'),
        mode: 'bearer',
      })
    ).body.accessToken!;
    expect((await api(server, 'DELETE', `/api/auth/mfa/users/${ids.admin}`, { token: agentToken })).status).toBe(403);
    expect((await api(server, 'DELETE', `/api/auth/mfa/users/not-a-uuid`, { token: adminToken })).status).toBe(400);
    expect((await api(server, 'DELETE', `/api/auth/mfa/users/${ids.agent}`, { token: adminToken })).status).toBe(204);
    const reset = await auditEvents(server, `action = 'mfa.reset' AND resource_id = $1`, [ids.agent]);
    expect(reset).toHaveLength(1);
    expect(reset[0]!.actorId).toBe(ids.admin);
    expect(reset[0]!.details).toMatchObject({ removed: true });
    expect(reset[0]!.details['sessionsRevoked']).toBeGreaterThanOrEqual(1);
    // the session opened with the lost factor ends with it
    expect((await api(server, 'GET', '/api/auth/me', { token: agentToken })).status).toBe(401);
    expect((await login('agent')).body.accessToken).toBeTruthy();
  });
});
