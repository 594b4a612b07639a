// A node's presence on a PostgreSQL install: one session of its own holds an advisory lock keyed by
// the node's id for as long as the node lives. A node that dies (kill -9, power loss: its socket
// closes, or TCP keepalive finds it gone) loses the session, so PostgreSQL frees its lock by itself.
// A surviving node that takes a departed node's lock knows it is gone and does its leftover work
// while holding that lock: exactly one node does, and the departed node, restarted, waits for it.
// The lock is the truth; `cluster_nodes` only lists whom to ask about.
import pg from 'pg';
import type { Logger } from '../logger.ts';

/** The advisory lock class of node presence (the second key is hashtext(node id)). */
export const PRESENCE_LOCK_CLASS = 727_173;
/** How long a starting node waits for its own lock (held while another node takes over after it). */
const JOIN_WAIT_MS = 30_000;
const MAX_BACKOFF_MS = 5_000;

export interface Presence {
  /**
   * Hands each departed node (registered, its lock free) to `takeOver` while holding its lock, then
   * forgets it; a takeOver that throws leaves the node for the next sweep. Answers the nodes taken over.
   */
  sweep(takeOver: (node: string) => Promise<void>): Promise<string[]>;
  close(): Promise<void>;
}

export class NodeIdInUse extends Error {
  constructor(node: string) {
    super(`node id ${node} is held by a running node: give each node its own PALISADE_NODE_ID`);
    this.name = 'NodeIdInUse';
  }
}

const tryLock = async (c: pg.Client, node: string) =>
  (
    (await c.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [PRESENCE_LOCK_CLASS, node])).rows[0] as {
      ok: boolean;
    }
  ).ok;

/** Takes this node's lock (waiting up to JOIN_WAIT_MS) and registers it; throws NodeIdInUse when another process holds it. */
export async function joinCluster(opts: {
  url: string;
  nodeId: string;
  logger: Logger;
  waitMs?: number;
}): Promise<Presence> {
  const { nodeId, logger } = opts;
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function connect(waitMs: number): Promise<void> {
    const c = new pg.Client({
      connectionString: opts.url,
      application_name: 'palisade-presence',
      connectionTimeoutMillis: 5000,
      keepAlive: true,
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    await c.connect();
    try {
      const until = Date.now() + waitMs;
      while (!(await tryLock(c, nodeId))) {
        if (Date.now() >= until) throw new NodeIdInUse(nodeId);
        await new Promise((r) => setTimeout(r, 250));
      }
      await c.query(
        'INSERT INTO cluster_nodes (node_id, joined_at) VALUES ($1, now()) ON CONFLICT (node_id) DO UPDATE SET joined_at = excluded.joined_at',
        [nodeId],
      );
    } catch (error) {
      await c.end().catch(() => {});
      throw error;
    }
    if (closed) return void c.end().catch(() => {});
    if (attempt > 0) logger.warn('cluster.presence_restored', { node: nodeId });
    client = c;
    attempt = 0;
  }

  // While the session is away other nodes may take this node for departed: its calls in flight
  // then get an interrupted record and may be answered twice. Reconnecting narrows that window.
  function lost(c: pg.Client) {
    if (client !== c) return;
    client = null;
    c.end().catch(() => {});
    if (closed) return;
    logger.error('cluster.presence_lost', { node: nodeId });
    retry();
  }
  function retry() {
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(() => {
      connect(JOIN_WAIT_MS).catch(() => {
        if (!closed) retry();
      });
    }, delay);
    timer.unref();
  }

  await connect(opts.waitMs ?? JOIN_WAIT_MS);
  let sweeping: Promise<string[]> | undefined;
  return {
    sweep(takeOver) {
      const c = client;
      if (!c || closed) return Promise.resolve([]);
      return (sweeping ??= (async () => {
        const { rows } = await c.query('SELECT node_id FROM cluster_nodes WHERE node_id <> $1 ORDER BY node_id', [
          nodeId,
        ]);
        const taken: string[] = [];
        for (const { node_id: node } of rows as { node_id: string }[]) {
          if (!(await tryLock(c, node))) continue; // alive, or another node is taking it over
          try {
            // Taken over (and forgotten) by another node between the list and the lock.
            if ((await c.query('SELECT 1 FROM cluster_nodes WHERE node_id = $1', [node])).rowCount === 0) continue;
            await takeOver(node);
            await c.query('DELETE FROM cluster_nodes WHERE node_id = $1', [node]);
            taken.push(node);
          } catch (error) {
            logger.error('cluster.takeover_failed', { node, error: error instanceof Error ? error.name : 'unknown' });
          } finally {
            await c.query('SELECT pg_advisory_unlock($1, hashtext($2))', [PRESENCE_LOCK_CLASS, node]);
          }
        }
        return taken;
      })().finally(() => (sweeping = undefined)));
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      await sweeping?.catch(() => []);
      const c = client;
      client = null;
      // A node that stops in order has ended its calls: its row goes, and its lock with the session.
      await c?.query('DELETE FROM cluster_nodes WHERE node_id = $1', [nodeId]).catch(() => {});
      await c?.end().catch(() => {});
    },
  };
}
