// The answer cache in Redis (REDIS_URL): one cache for every node, so a question answered on one is
// answered from the cache on all. The gateway hands it only answers to requests in which redaction
// found no personal data, under a key that holds the knowledge base's version (gateway/model/answerCache.ts);
// entries expire with the cache's time to live. A Redis failure is a miss, never an error.
import type { CachedAnswer, SharedAnswerStore } from '../../gateway/index.ts';
import type { Cluster } from './index.ts';

export function redisAnswerStore(redis: NonNullable<Cluster['redis']>): SharedAnswerStore {
  const keyOf = (key: string) => `${redis.keyPrefix}answer:${key}`;
  return {
    async get(key) {
      const text = await redis.client.get(keyOf(key));
      if (!text) return undefined;
      const v = JSON.parse(text) as Partial<CachedAnswer>;
      return typeof v.text === 'string' &&
        typeof v.targetId === 'string' &&
        typeof v.model === 'string' &&
        typeof v.provider === 'string'
        ? (v as CachedAnswer)
        : undefined;
    },
    set(key, answer, ttlMs) {
      redis.client.set(keyOf(key), JSON.stringify(answer), 'PX', ttlMs).catch(() => undefined);
    },
  };
}
