// First start: no admin, a one-time setup token, and the first admin created with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueSetupTokenIfNeeded } from '../../server/staff/setup.ts';
import { auditEvents } from '../support/audit.ts';
import { api, bearerLogin, startTestServer, type TestServer } from '../support/server.ts';

interface ErrorBody {
  error: { id: string; issues?: { path: string }[] };
}
interface UserBody extends ErrorBody {
  user: { id: string; email: string; role: string; disabled: boolean };
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let token: string;

const setup = (body: Record<string, unknown>) => api<UserBody>(server, 'POST', '/api/setup', { body });
const staffCount = async () =>
  ((await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM staff_users`)) as { n: number }[])[0]?.n;

beforeAll(async () => {
  server = await startTestServer();
  token = server.setupToken ?? '';
});
afterAll(async () => {
  await server?.stop();
});

describe('first start', () => {
  it('issues a setup token when no admin exists, stores only its hash, and keeps it out of the logs', async () => {
    expect(token).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const stored = JSON.stringify(await server.deps.db.dataSource.query(`SELECT * FROM setup_tokens`));
    expect(stored).not.toContain(token);
    expect(server.rawLogs()).not.toContain(token);
    expect(await auditEvents(server, `action = 'setup.token_issued'`)).toHaveLength(1);
    expect(await staffCount()).toBe(0);
  });

  it('serves the setup page and its assets', async () => {
    const page = await api(server, 'GET', '/setup');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toMatch(/<html/i);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect((await api(server, 'GET', '/setup/setup.js')).headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await api(server, 'GET', '/setup/setup.css')).headers.get('content-type')).toMatch(/^text\/css/);
  });
});

describe('POST /api/setup', () => {
  it('refuses a wrong token (403 invalid_setup_token) and creates nobody', async () => {
    for (const wrong of ['wrong-token', token.slice(0, -1), `${token}x`]) {
      const res = await setup({
        token: wrong,
        email: 'mallory@bank.example',
        displayName: 'Mallory',
        password: PASSWORD,
      });
      expect(res.status).toBe(403);
      expect(res.body.error.id).toBe('invalid_setup_token');
    }
    expect(await staffCount()).toBe(0);
  });

  it('refuses a weak password with the right token without using the token up', async () => {
    const res = await setup({
      token,
      email: 'first.admin@bank.example',
      displayName: 'First Admin',
      password: 'short',
    });
    expect(res.status).toBe(400);
    expect(res.body.error.issues?.map((i) => i.path)).toContain('password');
    expect(await staffCount()).toBe(0);
  });

  it('creates exactly one admin when the token is used twice at once (201 + 403)', async () => {
    const [a, b] = await Promise.all([
      setup({ token, email: 'First.Admin@Bank.Example', displayName: 'First Admin', password: PASSWORD }),
      setup({ token, email: 'racer@bank.example', displayName: 'Racer', password: PASSWORD }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 403]);
    const winner = a.status === 201 ? a : b;
    const loser = a.status === 201 ? b : a;
    expect(loser.body.error.id).toBe('invalid_setup_token');
    expect(winner.body.user).toMatchObject({ role: 'admin', disabled: false });
    expect(await staffCount()).toBe(1);
    const [created] = await auditEvents(server, `action = 'staff.create'`);
    expect(created).toMatchObject({
      actorType: 'system',
      actorId: 'setup',
      resourceId: winner.body.user.id,
      details: { role: 'admin' },
    });
  });

  it('lets the new admin sign in and use the admin API', async () => {
    const [admin] = (await server.deps.db.dataSource.query(`SELECT email FROM staff_users`)) as { email: string }[];
    expect(['first.admin@bank.example', 'racer@bank.example']).toContain(admin?.email);
    const { accessToken } = await bearerLogin(server, admin!.email, PASSWORD);
    const users = await api<{ users: { role: string }[] }>(server, 'GET', '/api/users', { token: accessToken });
    expect(users.status).toBe(200);
    expect(users.body.users.map((u) => u.role)).toEqual(['admin']);
  });

  it('refuses the same token again', async () => {
    const res = await setup({ token, email: 'second@bank.example', displayName: 'Second', password: PASSWORD });
    expect(res.status).toBe(403);
    expect(res.body.error.id).toBe('invalid_setup_token');
    expect(await staffCount()).toBe(1);
  });

  it('issues no new token once an admin exists', async () => {
    expect(await issueSetupTokenIfNeeded(server.deps)).toBeNull();
    expect(await auditEvents(server, `action = 'setup.token_issued'`)).toHaveLength(1);
  });
});
