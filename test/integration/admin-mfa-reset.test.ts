// An administrator resets another account's second factor (a lost phone) through the real HTTP server
// and database (PGlite, or PostgreSQL with TEST_DATABASE_URL): the factor, its recovery codes and the
// account's sessions go in one transaction with an audit event that keeps the reason, and the person
// enrols again at the next sign-in. Refusals change nothing. The appliance's clock is the test's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MfaResetAnswer } from '../../protocol/adminPeople.ts';
import { base32Decode, totp } from '../../server/auth/mfa/totp.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { api, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface Body {
  mfa?: { step: 'verify' | 'enrol'; challenge: string };
  accessToken?: string;
  refreshToken?: string;
  secret?: string;
  recoveryCodes?: string[];
  error?: { id: string; issues?: { path: string; message: string }[] };
}

const PASSWORD = 'correct horse battery staple';
const REASON = 'Phone lost on a business trip, confirmed by the team lead';
let server: TestServer;
let clock = Date.UTC(2026, 11, 7, 9, 0, 0);
const tick = (seconds = 30) => (clock += seconds * 1000);
const ids: Record<string, string> = {};
const secrets: Record<string, Uint8Array> = {};
const recovery: Record<string, string[]> = {};
const tokens: Record<string, Body> = {};

beforeAll(async () => {
  server = await startTestServer({ MFA_REQUIRED_ROLES: 'admin,agent' }, { now: () => new Date(clock) });
  for (const name of ['admin', 'admin2', 'agent', 'agent2', 'compliance'] as const) {
    const role = name.startsWith('admin') ? 'admin' : name.startsWith('agent') ? 'agent' : 'compliance_officer';
    ids[name] = await seedStaff(server, { email: `${name}@bank.example`, password: PASSWORD, role });
  }
  for (const name of ['admin', 'admin2', 'agent', 'agent2']) tokens[name] = await enrolAtSignIn(name);
  tokens.compliance = (await login('compliance')).body;
}, 120_000);
afterAll(async () => {
  await server?.stop();
});

const post = (path: string, body: unknown, token?: string) => api<Body>(server, 'POST', path, { body, token });
const login = (name: string) =>
  post('/api/auth/login', { email: `${name}@bank.example`, password: PASSWORD, mode: 'bearer' });
const reset = (id: string, body: unknown, token: string) => post(`/api/users/${id}/mfa/reset`, body, token);
const me = (token: string) => api(server, 'GET', '/api/auth/me', { token });

async function enrolAtSignIn(name: string): Promise<Body> {
  tick();
  const first = await login(name);
  expect(first.body.mfa?.step).toBe('enrol');
  const enrol = await post('/api/auth/mfa/enrol', { challenge: first.body.mfa!.challenge });
  expect(enrol.status).toBe(200);
  secrets[name] = base32Decode(enrol.body.secret!);
  recovery[name] = enrol.body.recoveryCodes!;
  const done = await post('/api/auth/mfa/confirm', {
    challenge: first.body.mfa!.challenge,
    code: totp(secrets[name], new Date(clock)),
    mode: 'bearer',
  });
  expect(done.status).toBe(200);
  expect(done.body.accessToken).toBeTruthy();
  return done.body;
}

/** A second sign-in with the confirmed factor: one more live session. */
async function signInWithCode(name: string): Promise<Body> {
  tick();
  const first = await login(name);
  expect(first.body.mfa?.step).toBe('verify');
  const done = await post('/api/auth/mfa/verify', {
    challenge: first.body.mfa!.challenge,
    code: totp(secrets[name]!, new Date(clock)),
    mode: 'bearer',
  });
  expect(done.status).toBe(200);
  return done.body;
}

/** What a reset changes, read straight from the database. */
async function stateOf(name: string) {
  const q = async (sql: string) => ((await server.deps.db.dataSource.query(sql, [ids[name]])) as { n: number }[])[0]!.n;
  return {
    factors: await q(`SELECT count(*)::int AS n FROM staff_mfa WHERE user_id = $1`),
    confirmed: await q(`SELECT count(*)::int AS n FROM staff_mfa WHERE user_id = $1 AND confirmed_at IS NOT NULL`),
    recoveryCodes: await q(`SELECT count(*)::int AS n FROM staff_mfa_recovery_codes WHERE user_id = $1`),
    liveSessions: await q(`SELECT count(*)::int AS n FROM staff_sessions WHERE user_id = $1 AND revoked_at IS NULL`),
  };
}
const resets = () => auditCount(server, `action = 'staff.mfa_reset'`);

describe('POST /api/users/:id/mfa/reset', () => {
  it('removes the factor, its recovery codes and every session of the account, audited with the reason', async () => {
    const second = await signInWithCode('agent');
    expect(await stateOf('agent')).toEqual({ factors: 1, confirmed: 1, recoveryCodes: 10, liveSessions: 2 });
    expect((await me(tokens.agent!.accessToken!)).status).toBe(200);

    const res = await reset(ids.agent!, { reason: `  ${REASON}  ` }, tokens.admin!.accessToken!);
    expect(res.status).toBe(200);
    const answer = MfaResetAnswer.parse(res.body);
    expect(answer.user).toMatchObject({ id: ids.agent, role: 'agent', mfa: false, disabled: false });
    expect(answer.sessionsRevoked).toBe(2);
    expect(await stateOf('agent')).toEqual({ factors: 0, confirmed: 0, recoveryCodes: 0, liveSessions: 0 });
    const reasons = (await server.deps.db.dataSource.query(
      `SELECT DISTINCT revoked_reason AS r FROM staff_sessions WHERE user_id = $1`,
      [ids.agent],
    )) as { r: string }[];
    expect(reasons.map((r) => r.r)).toEqual(['mfa_reset']);

    // Both of the person's old sessions are over: access tokens and the refresh token.
    expect((await me(tokens.agent!.accessToken!)).status).toBe(401);
    expect((await me(second.accessToken!)).status).toBe(401);
    expect((await post('/api/auth/refresh', { refreshToken: second.refreshToken })).status).toBe(401);
    // The administrator's own session stands.
    expect((await me(tokens.admin!.accessToken!)).status).toBe(200);

    const events = await auditEvents(server, `action = 'staff.mfa_reset' AND resource_id = $1`, [ids.agent]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorType: 'staff',
      actorId: ids.admin,
      resourceType: 'StaffUser',
      reason: REASON,
      outcome: 'success',
      details: { confirmed: true, sessionsRevoked: 2 },
    });

    const listed = await api<{ users: { id: string; mfa: boolean }[] }>(server, 'GET', '/api/users', {
      token: tokens.admin!.accessToken!,
    });
    expect(listed.body.users.find((u) => u.id === ids.agent)?.mfa).toBe(false);
  });

  it('asks the person to enrol again at the next sign-in; the old secret and recovery codes are gone', async () => {
    const oldSecret = secrets.agent!;
    const oldCodes = recovery.agent!;
    tick();
    const first = await login('agent');
    expect(first.status).toBe(200);
    expect(first.body.accessToken).toBeUndefined();
    expect(first.body.mfa?.step).toBe('enrol');
    // The enrolment challenge opens no second step with the old factor.
    expect(
      (await post('/api/auth/mfa/verify', { challenge: first.body.mfa!.challenge, recoveryCode: oldCodes[0] })).status,
    ).toBe(401);
    tokens.agent = await enrolAtSignIn('agent');
    expect(Buffer.from(secrets.agent!).equals(Buffer.from(oldSecret))).toBe(false);
    expect(recovery.agent!.some((c) => oldCodes.includes(c))).toBe(false);
    expect(await stateOf('agent')).toMatchObject({ factors: 1, confirmed: 1, recoveryCodes: 10, liveSessions: 1 });
  });

  it('refuses agents and compliance officers (403) and changes nothing', async () => {
    const before = { admin2: await stateOf('admin2'), agent2: await stateOf('agent2'), events: await resets() };
    for (const name of ['agent', 'compliance']) {
      for (const target of ['admin2', 'agent2']) {
        const res = await reset(ids[target]!, { reason: REASON }, tokens[name]!.accessToken!);
        expect(res.status).toBe(403);
        expect(res.body.error?.id).toBe('forbidden');
      }
    }
    expect({ admin2: await stateOf('admin2'), agent2: await stateOf('agent2'), events: await resets() }).toEqual(
      before,
    );
    expect((await me(tokens.agent2!.accessToken!)).status).toBe(200);
  });

  it("refuses an administrator's reset of their own factor (403 mfa_reset_self)", async () => {
    const before = { state: await stateOf('admin'), events: await resets() };
    const res = await reset(ids.admin!, { reason: REASON }, tokens.admin!.accessToken!);
    expect(res.status).toBe(403);
    expect(res.body.error?.id).toBe('mfa_reset_self');
    expect({ state: await stateOf('admin'), events: await resets() }).toEqual(before);
    expect((await me(tokens.admin!.accessToken!)).status).toBe(200);
  });

  it('answers 404 for an unknown account and 400 for a malformed id', async () => {
    const before = await resets();
    const unknown = await reset('7d9f3c1e-5b2a-4c8d-9e6f-0a1b2c3d4e5f', { reason: REASON }, tokens.admin!.accessToken!);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error?.id).toBe('not_found');
    const malformed = await reset('not-a-uuid', { reason: REASON }, tokens.admin!.accessToken!);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error?.id).toBe('validation_failed');
    expect(malformed.body.error?.issues?.[0]?.path).toBe('id');
    expect(await resets()).toBe(before);
  });

  it.each([
    ['missing', {}],
    ['empty', { reason: '   ' }],
    ['oversize', { reason: 'x'.repeat(501) }],
    ['with a NUL', { reason: 'lost\u0000phone' }],
    ['not text', { reason: 42 }],
    ['with an email address', { reason: 'asked by someone@bank.example' }],
    ['with a long number', { reason: 'phone 0612345678 lost' }],
    ['with an unknown field', { reason: REASON, force: true }],
  ])('refuses a reason %s (400 validation_failed) and changes nothing', async (_, body) => {
    const before = { state: await stateOf('agent2'), events: await resets() };
    const res = await reset(ids.agent2!, body, tokens.admin!.accessToken!);
    expect(res.status).toBe(400);
    expect(res.body.error?.id).toBe('validation_failed');
    expect(res.text).not.toContain('someone@bank.example');
    expect({ state: await stateOf('agent2'), events: await resets() }).toEqual(before);
    expect((await me(tokens.agent2!.accessToken!)).status).toBe(200);
  });

  it('removes a pending enrolment too, and answers 409 mfa_not_enrolled when there is nothing to reset', async () => {
    // The compliance officer's role requires no second factor; an enrolment started but not confirmed.
    const start = await post('/api/auth/mfa/enrol', {}, tokens.compliance!.accessToken!);
    expect(start.status).toBe(200);
    expect(await stateOf('compliance')).toMatchObject({ factors: 1, confirmed: 0, recoveryCodes: 10 });
    const res = await reset(
      ids.compliance!,
      { reason: 'Enrolment started on a device since lost' },
      tokens.admin2!.accessToken!,
    );
    expect(res.status).toBe(200);
    expect(await stateOf('compliance')).toEqual({ factors: 0, confirmed: 0, recoveryCodes: 0, liveSessions: 0 });
    const [event] = await auditEvents(server, `action = 'staff.mfa_reset' AND resource_id = $1`, [ids.compliance]);
    expect(event).toMatchObject({ actorId: ids.admin2, details: { confirmed: false, sessionsRevoked: 1 } });
    // A role that requires no second factor signs in with the password alone afterwards.
    const again = await login('compliance');
    expect(again.body.mfa).toBeUndefined();
    expect(again.body.accessToken).toBeTruthy();

    const before = await resets();
    const nothing = await reset(ids.compliance!, { reason: REASON }, tokens.admin!.accessToken!);
    expect(nothing.status).toBe(409);
    expect(nothing.body.error?.id).toBe('mfa_not_enrolled');
    expect(await resets()).toBe(before);
    expect((await me(again.body.accessToken!)).status).toBe(200);
  });
});
