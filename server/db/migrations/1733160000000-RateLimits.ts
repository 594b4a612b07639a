import type { MigrationInterface, QueryRunner } from 'typeorm';

// Rate-limit counters shared by every node on a PostgreSQL server (server/rateLimits.ts, through
// rate-limiter-flexible's RateLimiterPostgres, whose layout this is): sign-in attempts per source
// address and per account name, /v1 requests and tokens per API key. A key is a limiter's prefix and
// a keyed hash (or an API key's id), never an address or an email; `expire` is the window's end in
// ms since the epoch. The embedded database keeps these counters in the process instead.
export class RateLimits1733160000000 implements MigrationInterface {
  name = 'RateLimits1733160000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limits (
        key varchar(255) PRIMARY KEY,
        points integer NOT NULL DEFAULT 0,
        expire bigint
      )`);
    await q.query(`CREATE INDEX rate_limits_expire ON rate_limits (expire)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE rate_limits`);
  }
}
