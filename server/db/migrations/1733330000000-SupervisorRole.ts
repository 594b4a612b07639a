import type { MigrationInterface, QueryRunner } from 'typeorm';

// The supervisor: watches the team's queue, load and figures (server/routes/supervisor.ts); reads
// no transcript and reveals nothing. Staff presence: one row per open console channel
// (/api/staff/live) on any node, touched while it stays open, so "online" holds across the cluster
// and a crashed node's rows age out.
export class SupervisorRole1733330000000 implements MigrationInterface {
  name = 'SupervisorRole1733330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check`);
    await q.query(
      `ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('admin', 'agent', 'compliance_officer', 'auditor', 'supervisor'))`,
    );
    await q.query(`
      CREATE TABLE staff_presence (
        channel_id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES staff_users (id),
        node_id varchar(64) NOT NULL,
        seen_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX staff_presence_user_idx ON staff_presence (user_id, seen_at)`);
    // the board's count of chats with the AI now: open conversations by their last message
    await q.query(`CREATE INDEX conversations_open_updated_idx ON conversations (updated_at) WHERE status = 'open'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversations_open_updated_idx`);
    await q.query(`DROP TABLE staff_presence`);
    // The older rule has no place for a supervisor: the account becomes a disabled auditor, which grants nothing.
    await q.query(
      `UPDATE staff_users SET role = 'auditor', disabled_at = COALESCE(disabled_at, now()) WHERE role = 'supervisor'`,
    );
    await q.query(`ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check`);
    await q.query(
      `ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('admin', 'agent', 'compliance_officer', 'auditor'))`,
    );
  }
}
