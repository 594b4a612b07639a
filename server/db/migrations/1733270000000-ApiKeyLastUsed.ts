import type { MigrationInterface, QueryRunner } from 'typeorm';

// When an API key was last used (to the minute): an admin retiring keys needs to see which ones
// are still in use. Written by the key verifier, at most once a minute per key.
export class ApiKeyLastUsed1733270000000 implements MigrationInterface {
  name = 'ApiKeyLastUsed1733270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_keys DROP COLUMN last_used_at`);
  }
}
