import type { MigrationInterface, QueryRunner } from 'typeorm';

// Visitor chat (docs/widget-protocol.md). Conversations gain the handoff state (mode, queue, the
// agent who holds it), the per-conversation message counter that orders messages for resume, the
// count of "not helpful" answers and the visitor's rating. Messages gain that seq, the client's
// idempotency key (a retried send finds its first message instead of storing a second) and `meta`:
// non-personal facts about a message (knowledge-base sources, a notice code, feedback, the agent's
// staff id). Notices are messages with role 'system'.
export class VisitorChat1732800000000 implements MigrationInterface {
  name = 'VisitorChat1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE conversations
        ADD COLUMN mode text NOT NULL DEFAULT 'ai' CHECK (mode IN ('ai', 'queued', 'agent', 'closed')),
        ADD COLUMN queue text,
        ADD COLUMN assigned_to uuid REFERENCES staff_users (id),
        ADD COLUMN handoff_reason text,
        ADD COLUMN handoff_at timestamptz,
        ADD COLUMN last_seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN not_helpful integer NOT NULL DEFAULT 0,
        ADD COLUMN rating smallint CHECK (rating BETWEEN 1 AND 5),
        ADD COLUMN rated_at timestamptz`);
    await q.query(
      `UPDATE conversations SET mode = CASE status WHEN 'handoff' THEN 'queued' WHEN 'closed' THEN 'closed' ELSE 'ai' END`,
    );
    await q.query(`CREATE INDEX conversations_queue_idx ON conversations (queue, handoff_at) WHERE status = 'handoff'`);

    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_role_check`);
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_role_check CHECK (role IN ('visitor', 'assistant', 'agent', 'system'))`,
    );
    await q.query(`
      ALTER TABLE messages
        ADD COLUMN seq bigint,
        ADD COLUMN client_id text CHECK (client_id ~ '^[A-Za-z0-9_-]{8,64}$'),
        ADD COLUMN meta jsonb NOT NULL DEFAULT '{}'::jsonb`);
    await q.query(`
      UPDATE messages m SET seq = r.n
        FROM (SELECT id, row_number() OVER (PARTITION BY conversation_id ORDER BY created_at, id) AS n FROM messages) r
       WHERE r.id = m.id`);
    await q.query(
      `UPDATE conversations c SET last_seq = coalesce((SELECT max(seq) FROM messages m WHERE m.conversation_id = c.id), 0)`,
    );
    await q.query(`ALTER TABLE messages ALTER COLUMN seq SET NOT NULL`);
    await q.query(`CREATE UNIQUE INDEX messages_conversation_seq_idx ON messages (conversation_id, seq)`);
    await q.query(
      `CREATE UNIQUE INDEX messages_client_id_idx ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX messages_client_id_idx`);
    await q.query(`DROP INDEX messages_conversation_seq_idx`);
    await q.query(`ALTER TABLE messages DROP COLUMN meta, DROP COLUMN client_id, DROP COLUMN seq`);
    await q.query(`DELETE FROM messages WHERE role = 'system'`);
    await q.query(`ALTER TABLE messages DROP CONSTRAINT messages_role_check`);
    await q.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_role_check CHECK (role IN ('visitor', 'assistant', 'agent'))`,
    );
    await q.query(`DROP INDEX conversations_queue_idx`);
    await q.query(`
      ALTER TABLE conversations DROP COLUMN rated_at, DROP COLUMN rating, DROP COLUMN not_helpful, DROP COLUMN last_seq,
        DROP COLUMN handoff_at, DROP COLUMN handoff_reason, DROP COLUMN assigned_to, DROP COLUMN queue, DROP COLUMN mode`);
  }
}
