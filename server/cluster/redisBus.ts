// The bus over Redis pub/sub (REDIS_URL), for sites with many nodes: one channel per install (the
// key prefix), a publishing connection and a subscribed one. ioredis reconnects and subscribes
// again by itself; onResync's listeners hear of a reconnection, since payloads published
// while it was away are not delivered.
import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';
import { type Bus, createFanout } from './bus.ts';

export function redisBus(opts: { redis: Redis; keyPrefix: string; nodeId: string; logger: Logger }): Bus {
  const { logger } = opts;
  const channel = `${opts.keyPrefix}bus`;
  const fan = createFanout(opts.nodeId, (topic, error) =>
    logger.error('cluster.handler_failed', { topic, error: error instanceof Error ? error.name : 'unknown' }),
  );
  const sub = opts.redis.duplicate();
  let readyOnce = false;
  sub.on('message', (ch: string, text: string) => {
    if (ch === channel) fan.remote(text);
  });
  sub.on('ready', () => {
    if (readyOnce) {
      logger.warn('cluster.bus_reconnected', { kind: 'redis' });
      fan.resync();
    }
    readyOnce = true;
  });
  sub.on('error', () => {}); // ioredis reconnects; the 'ready' above tells when it is back
  let subscribed: Promise<void> | undefined;
  return {
    kind: 'redis',
    nodeId: opts.nodeId,
    publish(t, payload) {
      const text = fan.local(t, payload);
      opts.redis
        .publish(channel, text)
        .catch(() => logger.warn('cluster.publish_failed', { kind: 'redis', topic: t.name }));
    },
    subscribe: (t, h) => fan.subscribe(t, h),
    onResync: (l) => fan.onResync(l),
    ready: () => (subscribed ??= sub.subscribe(channel).then(() => undefined)),
    async close() {
      sub.disconnect();
    },
  };
}
