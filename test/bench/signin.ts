// A real sign-in during a flood of bad ones (issue 24, item 1): the appliance as `npm start` runs it
// (a child process, its own embedded database, or a fresh database on BENCH_DATABASE_URL), an admin
// created through /api/setup, then 100 parallel sign-ins with unknown emails and, 50 ms into them,
// the admin's correct sign-in. Floods from one source address (three, each from a new address),
// then from 100 addresses (each request its own, so only the password-check queue stands in the way). Source addresses are real
// loopback addresses (127.0.x.y). BENCH_SIGNIN_ROOT runs another checkout (an older commit, for the
// before figure); its setup link may be on stdout instead of in data/setup-link.txt.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, ROOT } from '../support/spawn.ts';
import { postFrom } from '../support/sourceAddress.ts';
import type { Emit } from './emit.ts';

const ADMIN = { email: 'bench.admin@bank.example', password: 'a long bench password', displayName: 'Bench Admin' };
const FLOOD = 100;

interface Appliance {
  url: string;
  child: ChildProcess;
  stdout: () => string;
}

async function startAppliance(root: string, env: Record<string, string>, dataDir: string): Promise<Appliance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      PALISADE_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (const started = Date.now(); ;) {
    if (child.exitCode !== null) throw new Error(`appliance exited: ${out.slice(-800)}`);
    if (Date.now() - started > 120_000) throw new Error('appliance did not start in 120 s');
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) return { url, child, stdout: () => out };
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function setupToken(app: Appliance, dataDir: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const file = path.join(dataDir, 'setup-link.txt');
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : app.stdout();
    const token = /\/setup#token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
    if (token) return token;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no setup link found');
}

const signIn = (app: Appliance, from: string, email: string, password: string) =>
  postFrom<{ error?: { id: string } }>(app, from, '/api/auth/login', { email, password, mode: 'bearer' });

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: Math.round(performance.now() - t0), value };
}

async function floodRun(app: Appliance, round: number, source: (i: number) => string) {
  const flood = timed(() =>
    Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        signIn(app, source(i), `nobody.${round}.${i}@bank.example`, 'not the password'),
      ),
    ),
  );
  await new Promise((r) => setTimeout(r, 50));
  const admin = await timed(() => signIn(app, '127.0.0.1', ADMIN.email, ADMIN.password));
  const { ms: floodMs, value: answers } = await flood;
  const count = (s: number) => answers.filter((a) => a.status === s).length;
  return {
    admin_ms: admin.ms,
    admin_status: admin.value.status,
    flood_ms: floodMs,
    flood_401: count(401),
    flood_429: count(429),
    flood_other: FLOOD - count(401) - count(429),
  };
}

export async function benchSignin(emit: Emit, opts: { postgresUrl?: string; root?: string }): Promise<void> {
  const root = opts.root ?? ROOT;
  const targets: ('pglite' | 'postgres')[] = opts.postgresUrl ? ['pglite', 'postgres'] : ['pglite'];
  for (const target of targets) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-bench-signin-'));
    const dbName = `palisade_bench_signin_${process.pid}_${Date.now()}`;
    const env: Record<string, string> = {};
    let admin: pg.Client | undefined;
    if (target === 'postgres') {
      admin = new pg.Client({ connectionString: opts.postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${dbName}`);
      const url = new URL(opts.postgresUrl!);
      url.pathname = `/${dbName}`;
      env.DATABASE_URL = url.toString();
    }
    let app: Appliance | undefined;
    try {
      app = await startAppliance(root, env, dataDir);
      const token = await setupToken(app, dataDir);
      const created = await fetch(`${app.url}/api/setup`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token, ...ADMIN }),
      });
      if (created.status !== 201) throw new Error(`setup failed: ${created.status} ${await created.text()}`);
      const alone: number[] = [];
      for (let i = 0; i < 3; i++)
        alone.push((await timed(() => signIn(app!, '127.0.0.1', ADMIN.email, ADMIN.password))).ms);
      const aloneMs = alone.sort((a, b) => a - b)[1]!;
      const base = {
        bench: 'signin.flood',
        database: target,
        code: opts.root ? 'other checkout' : 'this checkout',
        flood: FLOOD,
        admin_alone_ms: aloneMs,
      };
      // admin_delay_ms: what the flood added to the real sign-in (the target is about 1 s)
      // Three floods from one address (a new address each time, so each meets fresh limits), then one from 100 addresses.
      const rounds: [string, (i: number) => string][] = [1, 2, 3].map((n) => ['one address', () => `127.0.9.${n}`]);
      rounds.push([`${FLOOD} addresses`, (i) => `127.0.10.${i + 1}`]);
      for (const [round, [from, source]] of rounds.entries()) {
        const r = await floodRun(app, round + 1, source);
        emit({ ...base, flood_from: from, round: round + 1, ...r, admin_delay_ms: r.admin_ms - aloneMs });
      }
    } finally {
      if (app) {
        app.child.kill('SIGTERM');
        await new Promise((r) => app!.child.once('exit', r));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (admin) {
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      }
    }
  }
}
