// The cluster: how the nodes of one install reach each other. Chosen from the settings, nothing
// more: REDIS_URL set → Redis (the bus, shared limits); else DATABASE_URL on a PostgreSQL server →
// LISTEN/NOTIFY (limits in the rate_limits table); else the embedded database, one process, the
// in-process bus. Services take `infra.cluster.bus` and publish ids on typed topics (bus.ts).
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type Bus, processBus } from './bus.ts';
import { postgresBus } from './pgBus.ts';
import { redisBus } from './redisBus.ts';
import { redisStreamingAnswers, type StreamingAnswers } from './streamingAnswers.ts';

export type { Bus, BusHandler, BusMeta, Topic } from './bus.ts';
export { MAX_PAYLOAD_BYTES, topic } from './bus.ts';

export interface Cluster {
  bus: Bus;
  /** the shared Redis connection (REDIS_URL), with every key under `keyPrefix` */
  redis?: { client: Redis; keyPrefix: string };
  /** answers streaming now, for a visitor who joins another node mid-answer (Redis only) */
  streaming?: StreamingAnswers;
  close(): Promise<void>;
}

/** The bus that fits the settings, listening before it returns (a node never misses what follows its start). */
export async function openCluster(opts: {
  config: Pick<Config, 'database' | 'redis'>;
  nodeId: string;
  logger: Logger;
}): Promise<Cluster> {
  const { config, nodeId, logger } = opts;
  const onHandlerError = (topic: string, error: unknown) =>
    logger.error('cluster.handler_failed', { topic, error: error instanceof Error ? error.name : 'unknown' });
  if (config.redis) {
    const client = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5000 });
    client.on('error', () => {}); // reconnects by itself; commands fail meanwhile (limits then fail closed)
    await client.connect();
    const bus = redisBus({ redis: client, keyPrefix: config.redis.keyPrefix, nodeId, logger });
    try {
      await bus.ready();
    } catch (error) {
      await bus.close();
      client.disconnect();
      throw error;
    }
    const redis = { client, keyPrefix: config.redis.keyPrefix };
    return {
      bus,
      redis,
      streaming: redisStreamingAnswers(redis),
      async close() {
        await bus.close();
        await client.quit().catch(() => client.disconnect());
      },
    };
  }
  if (config.database.kind === 'postgres') {
    const bus = postgresBus({ url: config.database.url, nodeId, logger });
    await bus.ready();
    return { bus, close: () => bus.close() };
  }
  const bus = processBus(nodeId, onHandlerError);
  return { bus, close: () => bus.close() };
}

/** The one-process cluster (the CLI, a test's own services). */
export function processCluster(nodeId: string): Cluster {
  const bus = processBus(nodeId);
  return { bus, close: () => bus.close() };
}
