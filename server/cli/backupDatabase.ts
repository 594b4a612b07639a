// The database half of a backup: the embedded database as PGlite's own dump of its data directory
// (taken under the data directory's lock, so no server is writing), a PostgreSQL server with
// pg_dump's custom format (one consistent snapshot); and the way back into an empty database.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Config } from '../config.ts';
import { type Database, migrate, openDatabase } from '../db/database.ts';
import { lockDataDir } from '../db/pgliteLock.ts';
import { BackupRefused } from './backupManifest.ts';

type Step = (db: Database) => Promise<void>;

/** libpq's variables from a URL: the password never appears on a command line. */
function libpqEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PGHOST: u.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    PGPORT: u.port || '5432',
    PGDATABASE: decodeURIComponent(u.pathname.slice(1)),
  };
  if (u.username) env.PGUSER = decodeURIComponent(u.username);
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  const ssl = u.searchParams.get('sslmode');
  if (ssl) env.PGSSLMODE = ssl;
  return env;
}

function run(tool: 'pg_dump' | 'pg_restore', args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'ENOENT'
          ? new BackupRefused(
              `${tool} is not on PATH: install the PostgreSQL client tools (the server's major version or newer)`,
            )
          : err,
      ),
    );
    child.on('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new BackupRefused(`${tool} failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`),
          ),
    );
  });
}

/** Opens the database on this PGlite, migrated, for one step; the caller closes the PGlite. */
async function onPglite(config: Config, pglite: PGlite, step: Step): Promise<void> {
  const db = await openDatabase(config.database, { pglite });
  try {
    await migrate(db);
    await step(db);
  } finally {
    await db.close();
  }
}

/** Opens the PostgreSQL database, migrated, for one step. */
async function onServer(d: Extract<Config['database'], { kind: 'postgres' }>, step: Step): Promise<void> {
  const db = await openDatabase(d);
  try {
    await migrate(db);
    await step(db);
  } finally {
    await db.close();
  }
}

/** Runs `before` (the backup's own audit event) and then writes the snapshot to `file`. */
export async function dumpDatabase(config: Config, file: string, before: Step): Promise<void> {
  const d = config.database;
  if (d.kind === 'postgres') {
    await onServer(d, before);
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${file}`], libpqEnv(d.url));
    return;
  }
  if (!fs.existsSync(d.dir)) throw new BackupRefused(`no embedded database at ${d.dir}`);
  const unlock = lockDataDir(`${d.dir}.lock`); // refuses while the appliance runs on it
  try {
    const pglite = new PGlite(d.dir);
    try {
      await pglite.waitReady;
      await onPglite(config, pglite, before);
      const dump = await pglite.dumpDataDir('gzip');
      fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    } finally {
      await pglite.close();
    }
  } finally {
    unlock();
  }
}

async function tablesIn(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

/**
 * Loads the snapshot into an empty database, then runs `after` on it (migrated). An embedded
 * database already there is moved aside (never deleted) only when `replace`; a PostgreSQL database
 * must be empty. Returns where the earlier embedded database went.
 */
export async function loadDatabase(
  config: Config,
  file: string,
  opts: { replace: boolean; stamp: string },
  after: Step,
): Promise<{ movedAside?: string }> {
  const d = config.database;
  if (d.kind === 'postgres') {
    if ((await tablesIn(d.url)) > 0)
      throw new BackupRefused(
        'the database DATABASE_URL names is not empty: restore goes into an empty database (create one, or drop and create this one)',
      );
    const env = libpqEnv(d.url);
    await run(
      'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${env.PGDATABASE}`, file],
      env,
    );
    await onServer(d, after);
    return {};
  }
  const occupied = fs.existsSync(d.dir) && fs.readdirSync(d.dir).length > 0;
  const aside = `${d.dir}.before-restore-${opts.stamp}`;
  if (occupied && !opts.replace)
    throw new BackupRefused(
      `${d.dir} holds a database: restore goes into an empty one; add --replace to move it aside to ${aside} (kept, never deleted)`,
    );
  const unlock = lockDataDir(`${d.dir}.lock`);
  try {
    if (occupied) fs.renameSync(d.dir, aside);
    try {
      fs.mkdirSync(d.dir, { recursive: true, mode: 0o700 });
      const pglite = new PGlite(d.dir, { loadDataDir: new Blob([fs.readFileSync(file)]) });
      try {
        await pglite.waitReady;
        await onPglite(config, pglite, after);
      } finally {
        await pglite.close();
      }
    } catch (err) {
      // Nothing half-restored stays: the earlier database comes back.
      fs.rmSync(d.dir, { recursive: true, force: true });
      if (occupied) fs.renameSync(aside, d.dir);
      throw err;
    }
    return occupied ? { movedAside: aside } : {};
  } finally {
    unlock();
  }
}
