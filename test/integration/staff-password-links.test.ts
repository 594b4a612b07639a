// Invitations and password resets by one-time link, through the real server: the admin never
// learns the password, a link works once and not after a newer one or its expiry, setting the
// password ends the account's sessions and lifts a lockout; unlock and rename; all audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface UserView {
  id: string;
  displayName: string;
  locked: boolean;
}
interface ErrorBody {
  error: { id: string };
}

const PASSWORD = 'correct horse battery staple';
const NEW_PASSWORD = 'a brand new long passphrase';
let server: TestServer;
let admin = '';

beforeAll(async () => {
  server = await startTestServer();
  await seedStaff(server, { email: 'links-admin@bank.test', password: PASSWORD, role: 'admin' });
  admin = (await bearerLogin(server, 'links-admin@bank.test', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server.stop();
});

const tokenOf = (link: string) => new URL(link).hash.replace(/^#token=/, '');
const login = (email: string, password: string) =>
  api(server, 'POST', '/api/auth/login', { body: { email, password, mode: 'bearer' } });
const setPassword = (token: string, password: string) =>
  api<{ user: UserView } & ErrorBody>(server, 'POST', '/api/auth/password', { body: { token, password } });

describe('invitations', () => {
  it('an invited person sets their own password once; before that nobody can sign in as them', async () => {
    const res = await api<{ user: UserView; invitation: { link: string; expiresAt: string } }>(
      server,
      'POST',
      '/api/users',
      {
        token: admin,
        body: { email: 'new-agent@bank.test', displayName: 'New Agent', role: 'agent', invite: true },
      },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.invitation.link).toMatch(/\/console\/password#token=[A-Za-z0-9_-]{43}$/);
    expect(new Date(res.body.invitation.expiresAt).getTime()).toBeGreaterThan(Date.now());
    expect((await login('new-agent@bank.test', PASSWORD)).status).toBe(401);

    const token = tokenOf(res.body.invitation.link);
    expect((await setPassword(token, NEW_PASSWORD)).status).toBe(200);
    expect((await login('new-agent@bank.test', NEW_PASSWORD)).status).toBe(200);
    const again = await setPassword(token, 'another long passphrase');
    expect([again.status, again.body.error.id]).toEqual([403, 'invalid_password_link']);
    const actions = (await auditEvents(server, `resource_id = $1 AND action LIKE 'staff.%'`, [res.body.user.id])).map(
      (e) => e.action,
    );
    expect(actions).toEqual(['staff.create', 'staff.password_link_invite', 'staff.password_set']);
  });

  it('a password and an invitation together, or neither, is refused', async () => {
    for (const body of [
      { email: 'x1@bank.test', displayName: 'X', role: 'agent' },
      { email: 'x2@bank.test', displayName: 'X', role: 'agent', password: PASSWORD, invite: true },
    ]) {
      const res = await api<ErrorBody>(server, 'POST', '/api/users', { token: admin, body });
      expect([res.status, res.body.error.id]).toEqual([400, 'validation_failed']);
    }
  });
});

describe('password resets', () => {
  it('a reset link voids older ones, and using it ends the sessions and the old password', async () => {
    const id = await seedStaff(server, {
      email: 'forgetful@bank.test',
      password: PASSWORD,
      role: 'compliance_officer',
    });
    const session = await bearerLogin(server, 'forgetful@bank.test', PASSWORD);
    const first = await api<{ link: string }>(server, 'POST', `/api/users/${id}/password-link`, {
      token: admin,
      body: {},
    });
    const second = await api<{ link: string }>(server, 'POST', `/api/users/${id}/password-link`, {
      token: admin,
      body: {},
    });
    expect([first.status, second.status]).toEqual([201, 201]);
    // the session stands until the password is set
    expect((await api(server, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(200);
    expect((await setPassword(tokenOf(first.body.link), NEW_PASSWORD)).body.error.id).toBe('invalid_password_link');
    expect((await setPassword(tokenOf(second.body.link), NEW_PASSWORD)).status).toBe(200);
    expect((await api(server, 'GET', '/api/auth/me', { token: session.accessToken })).status).toBe(401);
    expect(
      (await api(server, 'POST', '/api/auth/refresh', { body: { refreshToken: session.refreshToken } })).status,
    ).toBe(401);
    expect((await login('forgetful@bank.test', PASSWORD)).status).toBe(401);
    expect((await login('forgetful@bank.test', NEW_PASSWORD)).status).toBe(200);
    const set = (await auditEvents(server, `resource_id = $1 AND action = 'staff.password_set'`, [id]))[0];
    expect(set?.details).toMatchObject({ via: 'reset', sessionsEnded: 1 });
  });

  it('an expired link is refused; a link for a disabled account cannot be issued', async () => {
    const id = await seedStaff(server, { email: 'late@bank.test', password: PASSWORD, role: 'agent' });
    const link = await api<{ link: string }>(server, 'POST', `/api/users/${id}/password-link`, {
      token: admin,
      body: {},
    });
    await server.deps.db.dataSource.query(
      `UPDATE staff_password_links SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [id],
    );
    expect((await setPassword(tokenOf(link.body.link), NEW_PASSWORD)).body.error.id).toBe('invalid_password_link');
    expect((await login('late@bank.test', PASSWORD)).status).toBe(200);
    expect((await api(server, 'PATCH', `/api/users/${id}`, { token: admin, body: { disabled: true } })).status).toBe(
      200,
    );
    const refused = await api<ErrorBody>(server, 'POST', `/api/users/${id}/password-link`, { token: admin, body: {} });
    expect([refused.status, refused.body.error.id]).toEqual([409, 'user_disabled']);
  });

  it('bad input gets a stable id; only admins issue links', async () => {
    const id = await seedStaff(server, { email: 'agent-b@bank.test', password: PASSWORD, role: 'agent' });
    const agent = (await bearerLogin(server, 'agent-b@bank.test', PASSWORD)).accessToken;
    expect((await api(server, 'POST', `/api/users/${id}/password-link`, { token: agent, body: {} })).status).toBe(403);
    expect(
      (await api<ErrorBody>(server, 'POST', `/api/users/nope/password-link`, { token: admin, body: {} })).body.error.id,
    ).toBe('validation_failed');
    expect(
      (
        await api(server, 'POST', `/api/users/00000000-0000-4000-8000-000000000000/password-link`, {
          token: admin,
          body: {},
        })
      ).status,
    ).toBe(404);
    expect((await setPassword('x'.repeat(43), NEW_PASSWORD)).body.error.id).toBe('invalid_password_link');
    expect((await setPassword('x'.repeat(43), 'short')).body.error.id).toBe('validation_failed');
    expect(
      (
        await api<ErrorBody>(server, 'POST', '/api/auth/password', {
          body: { token: 'a\u0000b', password: NEW_PASSWORD },
        })
      ).body.error.id,
    ).toBe('validation_failed');
  });
});

describe('unlock and rename', () => {
  it('an admin lifts a lockout and renames an account, audited', async () => {
    const id = await seedStaff(server, { email: 'locked@bank.test', password: PASSWORD, role: 'agent' });
    await server.deps.db.dataSource.query(
      `UPDATE staff_users SET locked_until = now() + interval '1 hour', failed_logins = 10 WHERE id = $1`,
      [id],
    );
    expect((await login('locked@bank.test', PASSWORD)).status).toBe(401);
    const res = await api<{ user: UserView }>(server, 'PATCH', `/api/users/${id}`, {
      token: admin,
      body: { unlock: true, displayName: 'Renamed Agent' },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ locked: false, displayName: 'Renamed Agent' });
    expect((await login('locked@bank.test', PASSWORD)).status).toBe(200);
    const actions = (await auditEvents(server, `resource_id = $1 AND action LIKE 'staff.%'`, [id])).map(
      (e) => e.action,
    );
    expect(actions).toEqual(['staff.create', 'staff.rename', 'staff.unlock']);
  });
});
