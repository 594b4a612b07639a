// The admin API for staff accounts through the real HTTP server: create, role change, disable,
// re-enable, last-admin protection, authorization, and the audit record of each change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, auditEvents } from '../support/audit.ts';
import { type ApiResponse, api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface ErrorBody {
  error: { id: string; message: string; requestId: string; issues?: { path: string; message: string }[] };
}
interface PresentedUser {
  id: string;
  email: string;
  displayName: string;
  role: string;
  disabled: boolean;
}
interface UserBody extends ErrorBody {
  user: PresentedUser;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let adminId: string;
let adminToken: string;
/** Every response this file got, to check that no password hash ever leaves the server. */
const responses: ApiResponse<unknown>[] = [];

async function call<T>(
  method: string,
  pathname: string,
  opts: { body?: unknown; token?: string } = {},
): Promise<ApiResponse<T>> {
  const res = await api<T>(server, method, pathname, opts);
  responses.push(res);
  return res;
}
const createUser = (body: Record<string, unknown>, token = adminToken) =>
  call<UserBody>('POST', '/api/users', { body, token });
const patchUser = (id: string, body: Record<string, unknown>, token = adminToken) =>
  call<UserBody>('PATCH', `/api/users/${id}`, { body, token });
const loginStatus = async (email: string) =>
  (await call('POST', '/api/auth/login', { body: { email, password: PASSWORD, mode: 'bearer' } })).status;
const activeAdmins = async () =>
  (
    (await server.deps.db.dataSource.query(
      `SELECT id FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL ORDER BY id`,
    )) as { id: string }[]
  ).map((r) => r.id);

beforeAll(async () => {
  server = await startTestServer();
  adminId = await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
  adminToken = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server?.stop();
});

describe('creating staff accounts', () => {
  it('creates a user (201), stores a bcrypt hash, and audits staff.create', async () => {
    const res = await createUser({
      email: 'New.Agent@Bank.Example',
      displayName: 'New Agent',
      role: 'agent',
      password: PASSWORD,
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({
      email: 'new.agent@bank.example',
      displayName: 'New Agent',
      role: 'agent',
      disabled: false,
    });
    expect(Object.keys(res.body.user)).not.toContain('passwordHash');
    const [row] = (await server.deps.db.dataSource.query(`SELECT password_hash AS h FROM staff_users WHERE id = $1`, [
      res.body.user.id,
    ])) as { h: string }[];
    expect(row?.h).toMatch(/^\$2[aby]\$12\$/);
    const events = await auditEvents(server, `action = 'staff.create' AND resource_id = $1`, [res.body.user.id]);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorType: 'staff',
      actorId: adminId,
      resourceType: 'StaffUser',
      details: { role: 'agent' },
    });
    expect(await loginStatus('new.agent@bank.example')).toBe(200);
  });

  it('refuses a duplicate email whatever its case (409 email_taken) and audits nothing', async () => {
    const before = await auditCount(server, `action = 'staff.create'`);
    for (const email of ['new.agent@bank.example', 'NEW.AGENT@BANK.EXAMPLE']) {
      const res = await createUser({ email, displayName: 'Copy', role: 'auditor', password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.body.error.id).toBe('email_taken');
    }
    expect(await auditCount(server, `action = 'staff.create'`)).toBe(before);
  });

  it('refuses a weak password, an unknown role, a bad email and unknown fields with the issue path', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ email: 'weak@bank.example', displayName: 'Weak', role: 'agent', password: 'short1' }, 'password'],
      [{ email: 'role@bank.example', displayName: 'Role', role: 'superuser', password: PASSWORD }, 'role'],
      [{ email: 'not-an-email', displayName: 'Mail', role: 'agent', password: PASSWORD }, 'email'],
      [{ email: 'extra@bank.example', displayName: 'Extra', role: 'agent', password: PASSWORD, isAdmin: true }, ''],
    ];
    for (const [body, path] of cases) {
      const res = await createUser(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.id).toBe('validation_failed');
      if (path) expect(res.body.error.issues?.map((i) => i.path)).toContain(path);
      expect(res.text).not.toContain('short1');
    }
    const [{ n } = { n: -1 }] = (await server.deps.db.dataSource.query(
      `SELECT count(*)::int AS n FROM staff_users WHERE email LIKE ANY ($1)`,
      [['weak@%', 'role@%', 'extra@%']],
    )) as { n: number }[];
    expect(n).toBe(0);
  });

  it('lists users without any password hash, and audits the listing', async () => {
    const res = await call<{ users: PresentedUser[] }>('GET', '/api/users', { token: adminToken });
    expect(res.status).toBe(200);
    expect(res.body.users.map((u) => u.email)).toEqual(
      expect.arrayContaining(['admin@bank.example', 'new.agent@bank.example']),
    );
    expect(
      await auditCount(server, `action = 'staff.list' AND request_id = $1`, [res.headers.get('x-request-id')]),
    ).toBe(1);
  });
});

describe('changing roles and disabling', () => {
  let userId: string;
  let userToken: string;
  beforeAll(async () => {
    const res = await createUser({
      email: 'changing@bank.example',
      displayName: 'Changing',
      role: 'agent',
      password: PASSWORD,
    });
    userId = res.body.user.id;
    userToken = (await bearerLogin(server, 'changing@bank.example', PASSWORD)).accessToken;
  });
  const readAudit = () => call<ErrorBody>('GET', '/api/audit/events?limit=1', { token: userToken });

  it('a role change holds on the very next request of that user, with the same token', async () => {
    expect((await readAudit()).status).toBe(403);
    const promoted = await patchUser(userId, { role: 'auditor' });
    expect(promoted.status).toBe(200);
    expect(promoted.body.user.role).toBe('auditor');
    expect((await readAudit()).status).toBe(200);
    const demoted = await patchUser(userId, { role: 'agent' });
    expect(demoted.status).toBe(200);
    const after = await readAudit();
    expect(after.status).toBe(403);
    expect(after.body.error.id).toBe('forbidden');
    const changes = await auditEvents(server, `action = 'staff.role_change' AND resource_id = $1`, [userId]);
    expect(changes.map((e) => e.details)).toEqual([
      { from: 'agent', to: 'auditor' },
      { from: 'auditor', to: 'agent' },
    ]);
    expect(changes.every((e) => e.actorId === adminId)).toBe(true);
  });

  it('disabling ends the live session at once and stops sign-in; re-enabling allows sign-in again', async () => {
    const disabled = await patchUser(userId, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body.user.disabled).toBe(true);
    const me = await call<ErrorBody>('GET', '/api/auth/me', { token: userToken });
    expect(me.status).toBe(401);
    expect(me.body.error.id).toBe('session_revoked');
    expect(await loginStatus('changing@bank.example')).toBe(401);
    const [disable] = await auditEvents(server, `action = 'staff.disable' AND resource_id = $1`, [userId]);
    expect(disable).toMatchObject({ actorId: adminId, details: { sessionsRevoked: 1 } });

    const enabled = await patchUser(userId, { disabled: false });
    expect(enabled.status).toBe(200);
    expect(enabled.body.user.disabled).toBe(false);
    expect(
      await auditCount(server, `action = 'staff.enable' AND resource_id = $1 AND actor_id = $2`, [userId, adminId]),
    ).toBe(1);
    expect(await loginStatus('changing@bank.example')).toBe(200);
    // The old session stays dead: re-enabling does not resurrect it.
    expect((await call('GET', '/api/auth/me', { token: userToken })).status).toBe(401);
  });

  it('a no-op change is not audited', async () => {
    const before = await auditCount(server, `action LIKE 'staff.%' AND resource_id = $1`, [userId]);
    expect((await patchUser(userId, { role: 'agent', disabled: false })).status).toBe(200);
    expect(await auditCount(server, `action LIKE 'staff.%' AND resource_id = $1`, [userId])).toBe(before);
  });

  it('answers 404 for an unknown user, 400 for a bad id or an empty change', async () => {
    const unknown = await patchUser('00000000-0000-4000-8000-000000000000', { role: 'agent' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.id).toBe('not_found');
    const badId = await patchUser('not-a-uuid', { role: 'agent' });
    expect(badId.status).toBe(400);
    expect(badId.body.error.issues?.[0]?.path).toBe('id');
    expect((await patchUser(userId, {})).status).toBe(400);
    expect((await patchUser(userId, { role: 'root' })).status).toBe(400);
  });
});

describe('last admin', () => {
  it('refuses to demote or disable the last active admin (409 last_admin)', async () => {
    expect(await activeAdmins()).toEqual([adminId]);
    for (const change of [{ role: 'agent' }, { disabled: true }, { role: 'auditor', disabled: true }]) {
      const res = await patchUser(adminId, change);
      expect(res.status).toBe(409);
      expect(res.body.error.id).toBe('last_admin');
    }
    expect(await activeAdmins()).toEqual([adminId]);
    expect((await call('GET', '/api/auth/me', { token: adminToken })).status).toBe(200);
  });

  it('two admins demoting each other at once leave exactly one admin', async () => {
    const second = await createUser({
      email: 'second.admin@bank.example',
      displayName: 'Second',
      role: 'admin',
      password: PASSWORD,
    });
    expect(second.status).toBe(201);
    const secondToken = (await bearerLogin(server, 'second.admin@bank.example', PASSWORD)).accessToken;
    const [a, b] = await Promise.all([
      patchUser(second.body.user.id, { role: 'agent' }),
      patchUser(adminId, { role: 'agent' }, secondToken),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses[0]).toBe(200);
    expect([403, 409]).toContain(statuses[1]);
    expect(await activeAdmins()).toHaveLength(1);
    // Whoever is still admin puts the first admin back for the tests below.
    const survivor = a.status === 200 ? adminToken : secondToken;
    if (survivor !== adminToken) expect((await patchUser(adminId, { role: 'admin' }, survivor)).status).toBe(200);
    expect((await call('GET', '/api/users', { token: adminToken })).status).toBe(200);
  });
});

describe('non-admins', () => {
  it('get 403 on every user endpoint, each denial audited as access.denied, and nothing changes', async () => {
    const agentId = await seedStaff(server, { email: 'plain.agent@bank.example', password: PASSWORD, role: 'agent' });
    const coId = await seedStaff(server, { email: 'co@bank.example', password: PASSWORD, role: 'compliance_officer' });
    const agentToken = (await bearerLogin(server, 'plain.agent@bank.example', PASSWORD)).accessToken;
    const coToken = (await bearerLogin(server, 'co@bank.example', PASSWORD)).accessToken;
    const attempts: [string, string, string, Record<string, unknown> | undefined, string][] = [
      [agentToken, 'GET', '/api/users', undefined, 'read'],
      [
        agentToken,
        'POST',
        '/api/users',
        { email: 'sneaky@bank.example', displayName: 'S', role: 'admin', password: PASSWORD },
        'create',
      ],
      [agentToken, 'PATCH', `/api/users/${agentId}`, { role: 'admin' }, 'update'],
      [coToken, 'PATCH', `/api/users/${coId}`, { role: 'admin' }, 'update'],
      [coToken, 'GET', '/api/users', undefined, 'read'],
    ];
    for (const [token, method, pathname, body, attempted] of attempts) {
      const res = await call<ErrorBody>(method, pathname, { token, body });
      expect(res.status, `${method} ${pathname}`).toBe(403);
      expect(res.body.error.id).toBe('forbidden');
      const denied = await auditEvents(server, `action = 'access.denied' AND request_id = $1`, [
        res.headers.get('x-request-id'),
      ]);
      expect(denied).toHaveLength(1);
      expect(denied[0]).toMatchObject({ outcome: 'denied', resourceType: 'StaffUser', details: { attempted } });
    }
    const roles = (await server.deps.db.dataSource.query(
      `SELECT role FROM staff_users WHERE id = ANY ($1) ORDER BY email`,
      [[agentId, coId]],
    )) as { role: string }[];
    expect(roles.map((r) => r.role)).toEqual(['compliance_officer', 'agent']);
    expect(
      await auditCount(server, `action = 'staff.create' AND details->>'role' = 'admin' AND actor_id = $1`, [agentId]),
    ).toBe(0);
  });

  it('an anonymous caller gets 401', async () => {
    const res = await call<ErrorBody>('GET', '/api/users');
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('unauthenticated');
  });
});

describe('responses', () => {
  it('never carried a password hash or a password', () => {
    expect(responses.length).toBeGreaterThan(30);
    for (const res of responses) {
      expect(res.text).not.toMatch(/\$2[aby]\$\d\d\$/);
      expect(res.text).not.toMatch(/password_?hash/i);
      expect(res.text).not.toContain(PASSWORD);
    }
  });
});
