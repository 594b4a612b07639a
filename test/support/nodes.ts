// Several appliance processes on one PostgreSQL database, as an operator runs them: the same
// secrets, one shared subject key store (a symlinked directory standing in for a mounted one), a
// data directory and a node id each. Skipped tests use `postgresAnswers()`.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { freePort, type Proc, startProcess } from './spawn.ts';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

export interface Node {
  name: string;
  proc: Proc;
  url: string;
  port: number;
  dataDir: string;
}

export interface Nodes {
  db: TestDatabase;
  nodes: Node[];
  /** `ownKeyStore`: a key store directory of the node's own instead of the shared one (a misconfiguration) */
  start(name: string, opts?: { ownKeyStore?: boolean }): Promise<Node>;
  /** the shared key store directory every node's `keystore` links to */
  keyStore: string;
  /** stops every node still running, drops the database, removes the directories */
  stop(): Promise<void>;
}

/** `adminUrl`: the PostgreSQL server to make the fresh database on (a benchmark's own). */
export async function createNodes(extra: Record<string, string> = {}, adminUrl = ADMIN_URL): Promise<Nodes> {
  const db = await createTestDatabase(adminUrl);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-nodes-'));
  fs.mkdirSync(path.join(root, 'keystore'), { mode: 0o700 });
  const secrets = { MASTER_KEY: randomBytes(32).toString('base64'), JWT_SECRET: randomBytes(48).toString('base64') };
  const nodes: Node[] = [];
  return {
    db,
    nodes,
    keyStore: path.join(root, 'keystore'),
    async start(name, opts = {}) {
      const dataDir = path.join(root, name);
      fs.mkdirSync(dataDir, { mode: 0o700 });
      if (!opts.ownKeyStore) fs.symlinkSync(path.join(root, 'keystore'), path.join(dataDir, 'keystore'));
      const port = await freePort();
      // The admin signs in with a password alone here (the second factor has tests of its own).
      const proc = startProcess(['server/main.ts'], {
        MFA_REQUIRED_ROLES: 'none',
        ...db.env,
        ...secrets,
        ...extra,
        PALISADE_DATA_DIR: dataDir,
        PORT: String(port),
        PALISADE_NODE_ID: name,
        LOG_LEVEL: 'info',
        PALISADE_REDACTION_THREADS: '0',
      });
      await proc.waitFor(/"server\.ready"/, 120_000);
      const node = { name, proc, url: `http://127.0.0.1:${port}`, port, dataDir };
      nodes.push(node);
      return node;
    },
    async stop() {
      for (const n of nodes) {
        if (n.proc.child.exitCode === null && n.proc.child.signalCode === null) n.proc.child.kill('SIGTERM');
        await n.proc.exited;
      }
      await db.drop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
