// Opens the one database: PGlite in the data directory by default, a PostgreSQL server when
// DATABASE_URL is set. Same migrations and SQL on both. PGlite runs on a thread of its own
// (pgliteThread.ts) unless the config says otherwise or the caller hands in an instance (tests
// share one per file); either way pg reaches it through pgliteWire.ts.
import fs from 'node:fs';
import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { lockDataDir } from './pgliteLock.ts';
import { startPgliteThread } from './pgliteThread.ts';
import { inProcessBackend, PgliteWireConnection, type WireBackend } from './pgliteWire.ts';

export interface Database {
  kind: 'pglite' | 'postgres';
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function openDatabase(db: Config['database'], opts: { pglite?: PGlite } = {}): Promise<Database> {
  const common = {
    type: 'postgres' as const,
    entities,
    migrations,
    synchronize: false,
    logging: false,
    migrationsTransactionMode: 'each' as const,
  };
  if (db.kind === 'postgres') {
    const dataSource = new DataSource({
      ...common,
      url: db.url,
      poolSize: db.poolSize,
      applicationName: 'palisade',
      extra: { connectionTimeoutMillis: 5000 },
    });
    await dataSource.initialize();
    return { kind: 'postgres', dataSource, close: () => dataSource.destroy() };
  }
  let backend: WireBackend;
  let closeBackend = async () => {};
  let unlock = () => {};
  /** a database that failed to open leaves nothing running or locked behind */
  const abandon = async () => {
    await closeBackend().catch(() => undefined);
    unlock();
  };
  if (opts.pglite) {
    backend = inProcessBackend(opts.pglite); // the caller closes it
  } else {
    fs.mkdirSync(db.dir, { recursive: true, mode: 0o700 });
    unlock = lockDataDir(`${db.dir}.lock`);
    try {
      if (db.thread === false) {
        const pglite = new PGlite(db.dir);
        backend = inProcessBackend(pglite);
        closeBackend = () => pglite.close();
      } else {
        const thread = startPgliteThread(db.dir);
        backend = thread;
        closeBackend = () => thread.close();
      }
      await backend.waitReady;
    } catch (err) {
      await abandon();
      throw err;
    }
  }
  await backend.waitReady;
  // PGlite is one backend session: one connection, so transactions queue instead of interleaving.
  const connection = new PgliteWireConnection(backend);
  const dataSource = new DataSource({ ...common, poolSize: 1, extra: { connection, max: 1, idleTimeoutMillis: 0 } });
  try {
    await dataSource.initialize();
  } catch (err) {
    await abandon();
    throw err;
  }
  return {
    kind: 'pglite',
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await closeBackend();
      unlock();
    },
  };
}

/** Runs pending migrations under an advisory lock, so two nodes starting together do not race. */
export async function migrate(db: Database): Promise<string[]> {
  const { dataSource } = db;
  // PGlite's files can be open in one process only, and its single connection would deadlock here.
  if (db.kind === 'pglite') return (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(727172)');
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock(727172)').catch(() => undefined);
    await runner.release();
  }
}

/** The database server's version (SHOW server_version); null when it does not answer one. */
export async function serverVersion(db: Pick<DataSource, 'query'>): Promise<string | null> {
  const rows = (await db.query(`SHOW server_version`).catch(() => [])) as { server_version?: string }[];
  return rows[0]?.server_version ?? null;
}
