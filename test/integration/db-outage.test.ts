// The database going away mid-request: a clear 503, no crash, and recovery when it returns.
// Needs a database server that can go away, so it runs in the PostgreSQL pass (TEST_DATABASE_URL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usingPostgresServer } from '../support/database.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { startTcpProxy, type TcpProxy } from '../support/tcpProxy.ts';

describe.runIf(usingPostgresServer())('database outage (PostgreSQL server behind a loopback proxy)', () => {
  let server: TestServer;
  let proxy: TcpProxy;
  let token: string;
  beforeAll(async () => {
    const target = new URL(process.env.TEST_DATABASE_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    server = await startTestServer(
      {},
      {
        databaseUrl: (url) => {
          const u = new URL(url);
          u.host = `127.0.0.1:${proxy.port}`;
          return u.toString();
        },
      },
    );
    await seedStaff(server, { email: 'auditor@bank.example', password: 'auditor password 1', role: 'auditor' });
    token = (await bearerLogin(server, 'auditor@bank.example', 'auditor password 1')).accessToken;
  });
  afterAll(async () => {
    await proxy?.restore().catch(() => undefined);
    await server?.stop();
    await proxy?.close();
  });

  it('answers 503 database_unavailable while it is gone, stays up, and recovers', async () => {
    expect((await api(server, 'GET', '/api/audit/verify', { token })).status).toBe(200);

    // Cut while a sign-in is between its password check and its transaction.
    const midRequest = api(server, 'POST', '/api/auth/login', {
      body: { email: 'auditor@bank.example', password: 'auditor password 1', mode: 'bearer' },
    });
    await new Promise((r) => setTimeout(r, 20));
    await proxy.cut();
    const mid = await midRequest;
    expect(mid.status).toBe(503);
    expect(mid.body).toMatchObject({ error: { id: 'database_unavailable' } });
    expect(mid.headers.get('retry-after')).toBe('5');

    const during = await api(server, 'GET', '/api/audit/verify', { token });
    expect(during.status).toBe(503);
    expect(during.body).toMatchObject({ error: { id: 'database_unavailable' } });
    expect((await api(server, 'GET', '/readyz')).status).toBe(503);
    expect((await api(server, 'GET', '/healthz')).status).toBe(200);

    await proxy.restore();
    let recovered = 0;
    for (let i = 0; i < 40 && recovered !== 200; i++) {
      recovered = (await api(server, 'GET', '/readyz')).status;
      if (recovered !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(recovered).toBe(200);
    const after = await api<{ ok: boolean }>(server, 'GET', '/api/audit/verify', { token });
    expect(after.status).toBe(200);
    expect(after.body.ok).toBe(true);
    // The failed sign-in left no half-written session or event behind.
    const sessions = (await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM staff_sessions`)) as {
      n: number;
    }[];
    expect(sessions[0]!.n).toBe(1);
  });
});
