// Fixed-window counters through rate-limiter-flexible, so every node of an install counts against
// the same limit: in Redis when REDIS_URL is set (under its key prefix), else in the rate_limits
// table when the database is a PostgreSQL server; in the process on the embedded database (one
// process owns it). Keys are never personal data: an address or an email becomes a keyed hash
// first (pseudonymKey).
import { createHmac } from 'node:crypto';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Cluster } from './cluster/index.ts';
import type { Database } from './db/database.ts';
import { deriveKey } from './keys.ts';

export interface Limiter {
  /** counts `points`; the seconds until the window ends when that went over the limit, else 0 */
  take(key: string, points?: number): Promise<number>;
  /** gives points back (a sign-in that succeeded) */
  giveBack(key: string, points?: number): Promise<void>;
  /** the seconds until the window ends when the limit is spent already, else 0 (counts nothing) */
  spent(key: string): Promise<number>;
}

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** Where the counts live: the database, and Redis when the cluster has it. */
export interface LimitStore {
  db: Pick<Database, 'kind' | 'dataSource'>;
  cluster?: Pick<Cluster, 'redis'>;
}

export function createLimiter(
  { db, cluster }: LimitStore,
  opts: { name: string; points: number; windowSeconds: number },
): Limiter {
  const common = { keyPrefix: opts.name, points: opts.points, duration: opts.windowSeconds };
  const redis = cluster?.redis;
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({
        ...common,
        keyPrefix: `${redis.keyPrefix}limit:${opts.name}`,
        storeClient: redis.client,
        rejectIfRedisNotReady: true,
      })
    : db.kind === 'postgres'
      ? new RateLimiterPostgres({
          ...common,
          // typeorm's pg pool; the table comes from a migration (RateLimits)
          storeClient: (db.dataSource.driver as unknown as { master: unknown }).master,
          storeType: 'pool',
          tableName: 'rate_limits',
          tableCreated: true,
        })
      : new RateLimiterMemory(common);
  return {
    async take(key, points = 1) {
      try {
        await limiter.consume(key, points);
        return 0;
      } catch (err) {
        if (err instanceof RateLimiterRes) return seconds(err.msBeforeNext);
        throw err; // the store failed: the caller's request fails with it, never passes unlimited
      }
    },
    async giveBack(key, points = 1) {
      await limiter.reward(key, points);
    },
    async spent(key) {
      const res = await limiter.get(key);
      return res && res.consumedPoints >= opts.points ? seconds(res.msBeforeNext) : 0;
    },
  };
}

/** A keyed hash of an address or an account name: stable per install, not reversible by guessing without the master key. */
export function pseudonymKey(masterKey: Uint8Array): (kind: string, value: string) => string {
  const key = deriveKey(masterKey, 'rate-limit-key');
  return (kind, value) => createHmac('sha256', key).update(`${kind}\u0000${value}`).digest('base64url').slice(0, 32);
}
