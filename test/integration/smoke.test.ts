import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('smoke', () => {
  it('is ready and signs a compliance officer in who can verify the chain', async () => {
    expect((await api(server, 'GET', '/readyz')).status).toBe(200);
    await seedStaff(server, {
      email: 'co@bank.example',
      password: 'correct horse battery',
      role: 'compliance_officer',
    });
    const { accessToken } = await bearerLogin(server, 'co@bank.example', 'correct horse battery');
    const res = await api<{ ok: boolean; checked: number }>(server, 'GET', '/api/audit/verify', { token: accessToken });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.checked).toBeGreaterThanOrEqual(3);
  });
});
