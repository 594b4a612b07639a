import type { MigrationInterface, QueryRunner } from 'typeorm';

// The agent's workload: presence (available / away, as the agent sets it) and, per conversation, the
// last message seq the agent has read, from which the console counts unread messages. Ids, codes
// and counts only; a read mark goes with its conversation when that is erased.
export class AgentWorkload1733340000001 implements MigrationInterface {
  name = 'AgentWorkload1733340000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agent_presence (
        staff_id uuid PRIMARY KEY REFERENCES staff_users (id) ON DELETE CASCADE,
        status text NOT NULL CHECK (status IN ('available', 'away')),
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE agent_reads (
        staff_id uuid NOT NULL REFERENCES staff_users (id) ON DELETE CASCADE,
        conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        PRIMARY KEY (staff_id, conversation_id)
      )`);
    await q.query(`CREATE INDEX conversations_assigned_idx ON conversations (assigned_to) WHERE status = 'handoff'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX conversations_assigned_idx`);
    await q.query(`DROP TABLE agent_reads`);
    await q.query(`DROP TABLE agent_presence`);
  }
}
