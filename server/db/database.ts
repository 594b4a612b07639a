// Opens the one database: PGlite in the data directory by default, a PostgreSQL server when
// DATABASE_URL is set. Same migrations and SQL on both.
import fs from 'node:fs';
import 'reflect-metadata';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { DataSource } from 'typeorm';
import type { Config } from '../config.ts';
import { entities } from './entities.ts';
import { migrations } from './migrations/index.ts';
import { lockDataDir } from './pgliteLock.ts';

export interface Database {
  kind: 'pglite' | 'postgres';
  dataSource: DataSource;
  close(): Promise<void>;
}

export async function openDatabase(db: Config['database'], opts: { pglite?: PGlite } = {}): Promise<Database> {
  const common = { type: 'postgres' as const, entities, migrations, synchronize: false, logging: false, migrationsTransactionMode: 'each' as const };
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
  let pglite = opts.pglite;
  const owned = !pglite;
  let unlock = () => {};
  if (!pglite) {
    fs.mkdirSync(db.dir, { recursive: true, mode: 0o700 });
    unlock = lockDataDir(`${db.dir}.lock`);
    try {
      pglite = new PGlite(db.dir);
      await pglite.waitReady;
    } catch (err) {
      unlock();
      throw err;
    }
  }
  await pglite.waitReady;
  const pgConfig = createPgConfig(pglite);
  // PGlite is one in-process backend: one connection, so transactions queue instead of interleaving.
  const dataSource = new DataSource({ ...common, poolSize: 1, extra: { ...pgConfig, connection: pgConfig.connection, max: 1 } });
  await dataSource.initialize();
  const instance = pglite;
  return {
    kind: 'pglite',
    dataSource,
    close: async () => {
      await dataSource.destroy();
      if (owned) await instance.close();
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
