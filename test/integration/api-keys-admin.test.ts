// The admin's API for /v1 keys, through the real server: a key is shown once and works at once,
// its last use is recorded, a revocation refuses it at once on this node, only admins may do any
// of it, and every issue and revocation is on the audit record with the admin as actor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

interface KeyView {
  id: string;
  name: string;
  prefix: string;
  allowCloud: boolean;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const PASSWORD = 'correct horse battery staple';
let server: TestServer;
let admin = '';
let agent = '';
let adminId = '';

beforeAll(async () => {
  server = await startTestServer();
  adminId = await seedStaff(server, { email: 'keys-admin@bank.test', password: PASSWORD, role: 'admin' });
  await seedStaff(server, { email: 'keys-agent@bank.test', password: PASSWORD, role: 'agent' });
  admin = (await bearerLogin(server, 'keys-admin@bank.test', PASSWORD)).accessToken;
  agent = (await bearerLogin(server, 'keys-agent@bank.test', PASSWORD)).accessToken;
});
afterAll(async () => {
  await server.stop();
});

const models = (key: string) => api(server, 'GET', '/v1/models', { token: key });

describe('/api/keys', () => {
  it('creates a key shown once that works at once, lists it without the key, records its use, and revokes it at once', async () => {
    const created = await api<{ key: string; apiKey: KeyView }>(server, 'POST', '/api/keys', {
      token: admin,
      body: { name: 'reporting tool', allowCloud: true },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.body.key).toMatch(/^pal_[A-Za-z0-9_-]{43}$/);
    expect(created.body.apiKey).toMatchObject({
      name: 'reporting tool',
      allowCloud: true,
      revokedAt: null,
      lastUsedAt: null,
    });
    expect(created.body.key.startsWith(created.body.apiKey.prefix)).toBe(true);

    expect((await models(created.body.key)).status).toBe(200);
    const listed = await api<{ keys: KeyView[] }>(server, 'GET', '/api/keys', { token: admin });
    expect(listed.status).toBe(200);
    expect(listed.text).not.toContain(created.body.key);
    const mine = listed.body.keys.find((k) => k.id === created.body.apiKey.id);
    expect(mine?.lastUsedAt).toBeTruthy();

    const revoked = await api<{ apiKey: KeyView }>(server, 'POST', `/api/keys/${created.body.apiKey.id}/revoke`, {
      token: admin,
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.revokedAt).toBeTruthy();
    expect((await models(created.body.key)).status).toBe(401);

    const events = await auditEvents(server, `resource_id = $1`, [created.body.apiKey.id]);
    expect(events.map((e) => [e.action, e.actorType, e.actorId])).toEqual([
      ['api_key.created', 'staff', adminId],
      ['api_key.revoked', 'staff', adminId],
    ]);
  });

  it('refuses agents and anonymous callers, and creates nothing for them', async () => {
    const before = (await api<{ keys: KeyView[] }>(server, 'GET', '/api/keys', { token: admin })).body.keys.length;
    expect((await api(server, 'GET', '/api/keys', { token: agent })).status).toBe(403);
    expect((await api(server, 'POST', '/api/keys', { token: agent, body: { name: 'x' } })).status).toBe(403);
    expect((await api(server, 'GET', '/api/keys')).status).toBe(401);
    expect((await api<{ keys: KeyView[] }>(server, 'GET', '/api/keys', { token: admin })).body.keys.length).toBe(
      before,
    );
  });

  it('answers bad input with a stable error id and changes nothing', async () => {
    const before = (await api<{ keys: KeyView[] }>(server, 'GET', '/api/keys', { token: admin })).body.keys.length;
    const cases = [
      { name: '' },
      { name: 'x'.repeat(101) },
      { name: 'ok', allowCloud: 'yes' },
      { name: 'ok', extra: 1 },
      { name: 'nul\u0000byte' },
    ];
    for (const body of cases) {
      const res = await api<{ error: { id: string } }>(server, 'POST', '/api/keys', { token: admin, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.id).toMatch(/^[a-z_]+$/);
    }
    expect(
      (await api<{ error: { id: string } }>(server, 'POST', '/api/keys/not-a-uuid/revoke', { token: admin })).body.error
        .id,
    ).toBe('validation_failed');
    expect(
      (await api(server, 'POST', '/api/keys/00000000-0000-4000-8000-000000000000/revoke', { token: admin })).status,
    ).toBe(404);
    expect((await api<{ keys: KeyView[] }>(server, 'GET', '/api/keys', { token: admin })).body.keys.length).toBe(
      before,
    );
  });
});
