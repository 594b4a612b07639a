// A real database per test file: in-memory PGlite by default, or a fresh database on the
// PostgreSQL server named by TEST_DATABASE_URL (created here, dropped after).
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Config } from '../../server/config.ts';

export interface TestDatabase {
  kind: 'pglite' | 'postgres';
  database: Config['database'];
  /** the env a spawned process needs to reach the same database (postgres only) */
  env: Record<string, string>;
  pglite?: PGlite;
  drop(): Promise<void>;
}

export const usingPostgresServer = () => Boolean(process.env.TEST_DATABASE_URL);

/** `adminUrl`: the PostgreSQL server to make the database on (absent: TEST_DATABASE_URL, else PGlite). */
export async function createTestDatabase(adminUrl = process.env.TEST_DATABASE_URL): Promise<TestDatabase> {
  if (!adminUrl) {
    const pglite = new PGlite();
    await pglite.waitReady;
    return {
      kind: 'pglite',
      database: { kind: 'pglite', dir: 'memory://' },
      env: {},
      pglite,
      drop: () => pglite.close(),
    };
  }
  const name = `palisade_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    database: { kind: 'postgres', url: url.toString(), poolSize: 10 },
    env: { DATABASE_URL: url.toString() },
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
