// The bus over PostgreSQL LISTEN/NOTIFY: every node of an install on one PostgreSQL database finds
// the others through it, with no further setting. One dedicated connection listens and sends, so
// this node's payloads leave in the order published. A lost connection is opened again (backoff up
// to 5 s); payloads published meanwhile are dropped and counted (readers repair from the rows:
// the chat's gap repair, a cache's version), and onResync's listeners hear of the reconnection.
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { type Bus, createFanout } from './bus.ts';

export const PG_CHANNEL = 'palisade_bus';
const MAX_BACKOFF_MS = 5_000;

export function postgresBus(opts: { url: string; nodeId: string; logger: Logger }): Bus {
  const { logger } = opts;
  const fan = createFanout(opts.nodeId, (topic, error) =>
    logger.error('cluster.handler_failed', { topic, error: error instanceof Error ? error.name : 'unknown' }),
  );
  let client: pg.Client | null = null;
  let closed = false;
  let attempt = 0;
  let dropped = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstReady: Promise<void> | undefined;

  async function connect(): Promise<void> {
    const c = new pg.Client({
      connectionString: opts.url,
      application_name: 'palisade-bus',
      connectionTimeoutMillis: 5000,
    });
    c.on('notification', (n) => {
      if (n.channel === PG_CHANNEL && n.payload) fan.remote(n.payload);
    });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    await c.connect();
    await c.query(`LISTEN ${PG_CHANNEL}`);
    if (closed) return void c.end().catch(() => {});
    const again = attempt > 0;
    client = c;
    attempt = 0;
    if (again) {
      logger.warn('cluster.bus_reconnected', { kind: 'postgres', dropped });
      dropped = 0;
      fan.resync();
    }
  }

  function lost(c: pg.Client) {
    if (client !== c) return;
    client = null;
    c.end().catch(() => {});
    if (closed) return;
    logger.warn('cluster.bus_lost', { kind: 'postgres' });
    retry();
  }

  function retry() {
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(() => {
      connect().catch(() => {
        if (!closed) retry();
      });
    }, delay);
    timer.unref();
  }

  return {
    kind: 'postgres',
    nodeId: opts.nodeId,
    publish(t, payload) {
      const text = fan.local(t, payload);
      if (!client) return void dropped++;
      client.query('SELECT pg_notify($1, $2)', [PG_CHANNEL, text]).catch(() => void dropped++);
    },
    subscribe: (t, h) => fan.subscribe(t, h),
    onResync: (l) => fan.onResync(l),
    ready: () => (firstReady ??= connect()),
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
