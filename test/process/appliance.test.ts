// The appliance as an operator runs it: `npm start`'s entry point in a child process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { api } from '../support/server.ts';
import { freePort, type Proc, startProcess } from '../support/spawn.ts';

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  // The child opens its own database: PGlite files in the data dir, or the per-file server database.
  if (db.pglite) await db.pglite.close();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-proc-'));
});
afterAll(async () => {
  if (db.kind === 'postgres') await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const env = (port: number, extra: Record<string, string> = {}) => ({
  PALISADE_DATA_DIR: dataDir,
  PORT: String(port),
  LOG_LEVEL: 'info',
  ...db.env,
  ...extra,
});

async function stop(p: Proc): Promise<number | null> {
  p.child.kill('SIGTERM');
  return p.exited;
}

describe('first start on a fresh data directory', () => {
  it('migrates, generates 0600 secrets, prints a one-time setup link, and serves /readyz', async () => {
    const port = await freePort();
    const p = startProcess(['server/main.ts'], env(port));
    // Not a terminal: the link is in a 0600 file the log names, never in a log line.
    const [, linkFile] = await p.waitFor(/"linkFile":"([^"]+)"/);
    expect(linkFile).toBe(path.join(dataDir, 'setup-link.txt'));
    expect(fs.statSync(linkFile!).mode & 0o777).toBe(0o600);
    const token = /\/setup#token=([A-Za-z0-9_-]+)/.exec(fs.readFileSync(linkFile!, 'utf8'))?.[1];
    expect(token).toBeTruthy();
    const base = { url: `http://127.0.0.1:${port}` };
    expect((await api(base, 'GET', '/readyz')).status).toBe(200);
    for (const f of ['jwt.key', 'master.key'])
      expect(fs.statSync(path.join(dataDir, 'secrets', f)).mode & 0o777).toBe(0o600);
    if (db.kind === 'pglite') expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
    expect(p.stdout()).not.toMatch(/password/i);
    // The CLI way is offered as it works: on the embedded database, with the server stopped.
    if (db.kind === 'pglite')
      expect(p.stdout()).toContain(
        '"alternative":"stop the server, then run: npx palisade create-admin --email ADDRESS',
      );
    else expect(p.stdout()).toContain('"alternative":"npx palisade create-admin --email ADDRESS');

    const created = await api(base, 'POST', '/api/setup', {
      body: { token, email: 'first.admin@bank.example', displayName: 'First Admin', password: 'a long first password' },
    });
    expect(created.status).toBe(201);
    // The setup token and the admin's email never reach the logs.
    expect(p.stdout()).not.toContain('first.admin@bank.example');
    expect(p.stdout()).not.toContain(token);
    for (const line of p.stdout().trim().split('\n')) expect(() => JSON.parse(line) as unknown, line).not.toThrow();

    // A sign-in is in flight (bcrypt takes a while) when SIGTERM arrives: it still completes.
    const login = api(base, 'POST', '/api/auth/login', {
      body: { email: 'first.admin@bank.example', password: 'a long first password', mode: 'bearer' },
    });
    await new Promise((r) => setTimeout(r, 30));
    const code = stop(p);
    expect((await login).status).toBe(200);
    expect(await code).toBe(0);
    expect(p.stdout()).toContain('server.stopped');
  });

  it('restarts on the existing data: same secrets, no new setup link, the admin still signs in', async () => {
    const before = fs.readFileSync(path.join(dataDir, 'secrets', 'jwt.key'), 'utf8');
    const port = await freePort();
    const p = startProcess(['server/main.ts'], env(port));
    await p.waitFor(/"server\.ready"/);
    const base = { url: `http://127.0.0.1:${port}` };
    expect((await api(base, 'GET', '/readyz')).status).toBe(200);
    expect(p.stdout()).not.toContain('setup.pending');
    expect(fs.readFileSync(path.join(dataDir, 'secrets', 'jwt.key'), 'utf8')).toBe(before);
    const login = await api(base, 'POST', '/api/auth/login', {
      body: { email: 'First.Admin@bank.example', password: 'a long first password', mode: 'bearer' },
    });
    expect(login.status).toBe(200);
    expect(await stop(p)).toBe(0);
  });
});

describe('invalid settings stop start-up with a message naming the variable', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: 'eighty' }, /PORT: must be an integer/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL:/],
    [{ BCRYPT_COST: '10' }, /BCRYPT_COST: must be at least 12/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL: must be a postgres/],
    [{ MASTER_KEY: 'c2hvcnQ=' }, /MASTER_KEY: must be 32 bytes/],
    [{ WIDGET_ORIGINS: 'https://ok.example,https://bad.example/path' }, /WIDGET_ORIGINS: must be a list of origins/],
  ];
  it.each(cases)('%o', async (extra, message) => {
    const p = startProcess(['server/main.ts'], {
      PALISADE_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-bad-')),
      ...extra,
    });
    expect(await p.exited).toBe(2);
    expect(p.stderr()).toMatch(message);
  });
});
