// Node presence on the PostgreSQL server (a database of this test's own): a node's lock frees with
// its session, and exactly one survivor takes a departed node over. Skipped when no server answers.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase } from '../db/database.ts';
import { createLogger } from '../logger.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { ADMIN_URL, postgresAnswers } from '../../test/support/nodes.ts';
import { joinCluster, NodeIdInUse, type Presence, PRESENCE_LOCK_CLASS } from './presence.ts';

const available = await postgresAnswers();
const logger = createLogger({ level: 'error' });

describe.skipIf(!available)('node presence', () => {
  let db: TestDatabase;
  let url: string;
  const open: Presence[] = [];
  const join = async (nodeId: string, waitMs?: number) => {
    const p = await joinCluster({ url, nodeId, logger, ...(waitMs !== undefined ? { waitMs } : {}) });
    open.push(p);
    return p;
  };
  /** A node as a process holds it: the lock on a session of its own and its row; ending the session is its death. */
  async function nodeSession(nodeId: string): Promise<pg.Client> {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query('SELECT pg_advisory_lock($1, hashtext($2))', [PRESENCE_LOCK_CLASS, nodeId]);
    await c.query('INSERT INTO cluster_nodes (node_id, joined_at) VALUES ($1, now())', [nodeId]);
    return c;
  }
  const registered = async () => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const { rows } = await c.query('SELECT node_id FROM cluster_nodes ORDER BY node_id');
    await c.end();
    return (rows as { node_id: string }[]).map((r) => r.node_id);
  };

  beforeAll(async () => {
    db = await createTestDatabase(ADMIN_URL);
    const opened = await openDatabase(db.database);
    await migrate(opened);
    await opened.close();
    url = (db.database as { url: string }).url;
  });
  afterAll(async () => {
    for (const p of open) await p.close();
    await db?.drop();
  });

  it('leaves a live node alone and hands a departed one to exactly one of two sweeping nodes', async () => {
    const b = await join('node-b');
    const c = await join('node-c');
    const alive = await nodeSession('node-alive');
    const dying = await nodeSession('node-dying');
    const taken: string[] = [];
    const takeOver = async (node: string) => {
      taken.push(node);
      await new Promise((r) => setTimeout(r, 200)); // long enough for the other sweep to try the same lock
    };
    expect(await Promise.all([b.sweep(takeOver), c.sweep(takeOver)])).toEqual([[], []]);
    await dying.end(); // kill -9: the session ends, its lock frees
    const swept = await Promise.all([b.sweep(takeOver), c.sweep(takeOver)]);
    expect(taken).toEqual(['node-dying']);
    expect(swept.flat()).toEqual(['node-dying']);
    expect(await registered()).toEqual(['node-alive', 'node-b', 'node-c']);
    expect(await Promise.all([b.sweep(takeOver), c.sweep(takeOver)])).toEqual([[], []]);
    await alive.end();
  });

  it('keeps a node whose takeover failed for the next sweep', async () => {
    const b = await join('node-d');
    await (await nodeSession('node-failing')).end();
    expect(await b.sweep(() => Promise.reject(new Error('database away')))).toEqual([]);
    expect(await registered()).toContain('node-failing');
    expect(await b.sweep(() => Promise.resolve())).toContain('node-failing');
    expect(await registered()).not.toContain('node-failing');
  });

  it('refuses a second running node under the same id; a node that stops in order leaves', async () => {
    const first = await join('node-twin');
    await expect(join('node-twin', 300)).rejects.toBeInstanceOf(NodeIdInUse);
    await first.close();
    expect(await registered()).not.toContain('node-twin');
    await join('node-twin', 300);
  });
});
