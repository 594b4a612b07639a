// Benchmarks run on a fresh embedded database, then (when a server URL is given) on a fresh
// database on the PostgreSQL server, dropped afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../../server/config.ts';

export type BenchTarget = 'pglite' | 'postgres';

export async function onBenchDatabases(
  opts: { postgresUrl?: string; poolSize: number; onSkip: () => void; skipEmbedded?: boolean },
  run: (target: BenchTarget, database: Config['database']) => Promise<void>,
): Promise<void> {
  if (!opts.skipEmbedded) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-bench-'));
    try {
      await run('pglite', { kind: 'pglite', dir: path.join(dir, 'pglite') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (!opts.postgresUrl) return opts.onSkip();
  const name = `palisade_bench_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: opts.postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(opts.postgresUrl);
  url.pathname = `/${name}`;
  try {
    await run('postgres', { kind: 'postgres', url: url.toString(), poolSize: opts.poolSize });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export const SKIP_POSTGRES = 'set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres)';
