// What the admin's people screens read beyond the plain records: each account's second factor and
// last sign-in, the per-key limits on /v1, and the sites and languages a canned response may be for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'a long enough password';
type Listed = { email: string; mfa: boolean; lastSignInAt: string | null };

describe('admin people API additions', () => {
  let server: TestServer;
  let token: string;
  let agentId: string;

  beforeAll(async () => {
    server = await startTestServer({ API_KEY_REQUESTS_PER_MINUTE: '7', API_KEY_TOKENS_PER_MINUTE: '0' });
    await seedStaff(server, { email: 'admin@bank.example', password: PASSWORD, role: 'admin' });
    agentId = await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
    token = (await bearerLogin(server, 'admin@bank.example', PASSWORD)).accessToken;
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  const listed = async (email: string) => {
    const res = await api<{ users: Listed[] }>(server, 'GET', '/api/users', { token });
    expect(res.status).toBe(200);
    return res.body.users.find((u) => u.email === email)!;
  };

  it('lists an account with its confirmed second factor and the start of its newest session', async () => {
    expect(await listed('agent@bank.example')).toMatchObject({ mfa: false, lastSignInAt: null });
    const before = Date.now();
    await bearerLogin(server, 'agent@bank.example', PASSWORD);
    const signedIn = await listed('agent@bank.example');
    expect(Date.parse(signedIn.lastSignInAt!)).toBeGreaterThanOrEqual(before - 1000);
    // an enrolment not yet confirmed is no second factor
    await server.deps.db.dataSource.query(
      `INSERT INTO staff_mfa (user_id, secret_ciphertext, created_at) VALUES ($1, 'x', now())`,
      [agentId],
    );
    expect((await listed('agent@bank.example')).mfa).toBe(false);
    await server.deps.db.dataSource.query(`UPDATE staff_mfa SET confirmed_at = now() WHERE user_id = $1`, [agentId]);
    expect((await listed('agent@bank.example')).mfa).toBe(true);
  });

  it('gives the per-key limits on /v1 with the key list (0: none)', async () => {
    const res = await api<{ keys: unknown[]; limits: unknown }>(server, 'GET', '/api/keys', { token });
    expect(res.status).toBe(200);
    expect(res.body.limits).toEqual({ requestsPerMinute: 7, tokensPerMinute: 0 });
  });

  it('lists the sites and languages of sites.yaml for canned responses, to staff only', async () => {
    const res = await api<{ sites: { id: string; name: string; languages: string[]; defaultLanguage: string }[] }>(
      server,
      'GET',
      '/api/canned/sites',
      { token },
    );
    expect(res.status).toBe(200);
    const retail = res.body.sites.find((s) => s.id === 'retail');
    expect(retail).toMatchObject({ name: 'Harbor Bank', defaultLanguage: 'en' });
    expect(retail!.languages).toContain('zh');
    expect(Object.keys(retail!).sort()).toEqual(['defaultLanguage', 'id', 'languages', 'name']);
    expect((await api(server, 'GET', '/api/canned/sites')).status).toBe(401);
  });
});
