import type { MigrationInterface, QueryRunner } from 'typeorm';

// Second factors and single sign-on for staff. A TOTP secret is stored encrypted (AES-256-GCM under a
// key derived from the master key, the user's id as associated data); `last_step` is the last time
// step accepted, so a code is never accepted twice. Recovery codes are stored as keyed hashes only.
// An OIDC identity (issuer, subject) is linked to one staff account on its first sign-in.
export class StaffMfaSso1733220000000 implements MigrationInterface {
  name = 'StaffMfaSso1733220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_mfa (
        user_id uuid PRIMARY KEY REFERENCES staff_users (id),
        secret_ciphertext text NOT NULL,
        created_at timestamptz NOT NULL,
        confirmed_at timestamptz,
        last_step bigint
      )`);
    await q.query(`
      CREATE TABLE staff_mfa_recovery_codes (
        user_id uuid NOT NULL REFERENCES staff_users (id),
        code_hash text NOT NULL,
        used_at timestamptz,
        PRIMARY KEY (user_id, code_hash)
      )`);
    await q.query(`
      CREATE TABLE staff_identities (
        issuer text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL REFERENCES staff_users (id),
        created_at timestamptz NOT NULL,
        last_sign_in_at timestamptz NOT NULL,
        PRIMARY KEY (issuer, subject)
      )`);
    await q.query(`CREATE INDEX staff_identities_user_idx ON staff_identities (user_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_identities`);
    await q.query(`DROP TABLE staff_mfa_recovery_codes`);
    await q.query(`DROP TABLE staff_mfa`);
  }
}
