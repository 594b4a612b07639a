import type { MigrationInterface, QueryRunner } from 'typeorm';

// One-time links with which a staff member sets their own password: an invitation for a new
// account, or a reset an admin asks for. Only the token's hash is stored; a link works once,
// until it expires, and a newer link for the same account voids the older ones.
export class PasswordLinks1733270200000 implements MigrationInterface {
  name = 'PasswordLinks1733270200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_password_links (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES staff_users (id),
        token_hash text NOT NULL UNIQUE,
        purpose text NOT NULL CHECK (purpose IN ('invite', 'reset')),
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE INDEX staff_password_links_user ON staff_password_links (user_id) WHERE used_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_password_links`);
  }
}
