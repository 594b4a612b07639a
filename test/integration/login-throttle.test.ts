// Sign-in throttling through the real server: per source address and per account name (known or
// not, answered alike), a success gives its attempt back, the bounded password-check queue refuses
// what it cannot hold, a real sign-in from another address gets through a flood, and the audit
// record counts refusals without naming anyone (the lockout is in auth.test.ts). Source addresses are real
// (127.0.x.y loopback addresses), not proxy headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents } from '../support/audit.ts';
import { seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { postFrom } from '../support/sourceAddress.ts';

interface LoginBody {
  accessToken?: string;
  error?: { id: string };
}

const PASSWORD = 'correct horse battery staple';
const ADMIN = 'admin@bank.example';
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    LOGIN_IP_MAX_ATTEMPTS: '6',
    LOGIN_ACCOUNT_MAX_ATTEMPTS: '4',
    LOGIN_THROTTLE_WINDOW_SECONDS: '600',
    LOGIN_HASH_CONCURRENCY: '2',
    LOGIN_HASH_QUEUE: '4',
  });
  await seedStaff(server, { email: ADMIN, password: PASSWORD, role: 'admin' });
  await seedStaff(server, { email: 'agent@bank.example', password: PASSWORD, role: 'agent' });
});
afterAll(async () => {
  await server?.stop();
});

const login = (from: string, email: string, password: string) =>
  postFrom<LoginBody>(server, from, '/api/auth/login', { email, password, mode: 'bearer' });

describe('per account name', () => {
  it('answers 429 too_many_attempts with Retry-After once an account name is over its limit, known or not, from any address', async () => {
    for (const email of ['agent@bank.example', 'nobody@bank.example']) {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push(await login(`127.0.1.${i + 1}`, email, `wrong guess ${i}`));
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
      const over = await login('127.0.1.9', email, 'wrong guess 5');
      expect(over.status, email).toBe(429);
      expect(over.body.error?.id).toBe('too_many_attempts');
      const retry = Number(over.headers['retry-after']);
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(600);
    }
  });
});

describe('per source address', () => {
  it('answers 429 once an address is over its limit, whatever the account names', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++)
      statuses.push((await login('127.0.2.1', `someone${i}@bank.example`, 'a wrong password')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429]);
    // another address is not affected
    expect((await login('127.0.2.2', ADMIN, PASSWORD)).status).toBe(200);
  });

  it('gives a successful sign-in its attempt back', async () => {
    for (let i = 0; i < 10; i++) expect((await login('127.0.3.1', ADMIN, PASSWORD)).status).toBe(200);
  });
});

describe('a flood of bad sign-ins', { timeout: 120_000 }, () => {
  it('from one address: the rest are refused at once, and a real sign-in from another address succeeds while it runs', async () => {
    const finished: string[] = [];
    const flood = Array.from({ length: 100 }, (_, i) =>
      login('127.0.4.1', `flood${i}@bank.example`, 'not the password').then((r) => {
        finished.push(`flood ${r.status}`);
        return r;
      }),
    );
    const real = await login('127.0.4.2', ADMIN, PASSWORD);
    finished.push('real');
    const answers = await Promise.all(flood);
    expect(real.status).toBe(200);
    expect(real.body.accessToken).toBeTruthy();
    const statuses = answers.map((a) => a.status);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(6);
    for (const a of answers.filter((x) => x.status === 429)) {
      expect(a.body.error?.id).toBe('too_many_attempts');
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    // the real sign-in did not wait for the flood's password checks: some ended after it
    expect(finished.slice(finished.indexOf('real') + 1)).toContain('flood 401');
  });

  it('from many addresses: password checks beyond the queue are refused, not piled up', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => login(`127.0.5.${i + 1}`, `many${i}@bank.example`, 'not the password')),
    );
    const statuses = answers.map((a) => a.status);
    expect(new Set(statuses)).toEqual(new Set([401, 429]));
    expect(
      answers
        .filter((a) => a.status === 429)
        .every((a) => a.body.error?.id === 'too_many_attempts' && a.headers['retry-after'] === '1'),
    ).toBe(true);
    expect((await login('127.0.5.200', ADMIN, PASSWORD)).status).toBe(200);
  });
});

describe('the audit record', () => {
  it('has auth.throttled events with counts only: no address, no account name', async () => {
    await expect
      .poll(async () => (await auditEvents(server, `action = 'auth.throttled'`)).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    const events = await auditEvents(server, `action = 'auth.throttled'`);
    const total = events.reduce((n, e) => n + Number(e.details.refused), 0);
    expect(total).toBeGreaterThanOrEqual(1 + 1 + 1 + 90);
    for (const e of events) {
      expect(e).toMatchObject({ actorType: 'anonymous', outcome: 'denied' });
      expect(Object.values(e.details).every((v) => typeof v === 'number')).toBe(true);
    }
    const text = JSON.stringify(events);
    for (const leak of ['127.0.', '@bank.example', 'nobody', 'flood']) expect(text).not.toContain(leak);
  });
});

describe('the counters', () => {
  it('are in the rate_limits table on a PostgreSQL server (shared by every node), keyed by hashes, not addresses or names', async () => {
    const rows = (await server.deps.db.dataSource.query(`SELECT key FROM rate_limits`)) as { key: string }[];
    if (server.deps.db.kind === 'pglite') {
      expect(rows).toEqual([]); // in the process: one process owns the embedded database
      return;
    }
    expect(rows.filter((r) => r.key.startsWith('login_ip:')).length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.key.startsWith('login_account:')).length).toBeGreaterThan(0);
    const text = JSON.stringify(rows);
    for (const leak of ['127.0.', '@bank.example', 'nobody', 'flood']) expect(text).not.toContain(leak);
  });
});
