import type { MigrationInterface, QueryRunner } from 'typeorm';

// API keys for the OpenAI-compatible endpoint. Only a SHA-256 of the key is stored (keys are 32
// random bytes, so a plain hash is enough); `prefix` lets an admin recognise a key in lists.
export class ModelGateway1732600000000 implements MigrationInterface {
  name = 'ModelGateway1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        key_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        allow_cloud boolean NOT NULL DEFAULT false,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE api_keys');
  }
}
