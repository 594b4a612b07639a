import type { MigrationInterface, QueryRunner } from 'typeorm';

// Audit log retention without breaking verification. A checkpoint records the chain position and
// hash of a sealed event; verification then starts there instead of at genesis. Checkpoints are
// append-only and only move forward onto an event that exists with that hash. The one delete the
// database allows on audit_events: a sealed event at or below the newest checkpoint, inside a
// transaction that has SET LOCAL palisade.audit_retention = 'on' (the retention job). Every other
// DELETE, every UPDATE except one-time sealing, and TRUNCATE stay refused.
export class AuditRetention1732700000000 implements MigrationInterface {
  name = 'AuditRetention1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoints (
        chain_seq bigint PRIMARY KEY,
        hash char(64) NOT NULL,
        created_at timestamptz NOT NULL,
        events_removed bigint NOT NULL CHECK (events_removed >= 0)
      )`);
    await q.query(`
      CREATE FUNCTION audit_checkpoint_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.chain_seq <= COALESCE((SELECT max(chain_seq) FROM audit_checkpoints), 0)
           OR NEW.chain_seq > (SELECT seq FROM audit_chain_head WHERE id = 1)
           OR NOT EXISTS (SELECT 1 FROM audit_events e WHERE e.chain_seq = NEW.chain_seq AND e.hash = NEW.hash)
        THEN
          RAISE EXCEPTION 'audit checkpoint may only advance to a sealed event'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER audit_checkpoints_forward_only BEFORE INSERT ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_forward_only()`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
           AND (NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.action, NEW.subject_id,
                NEW.resource_type, NEW.resource_id, NEW.purpose, NEW.reason, NEW.outcome, NEW.request_id, NEW.details)
           IS NOT DISTINCT FROM
               (OLD.seq, OLD.id, OLD.occurred_at, OLD.actor_type, OLD.actor_id, OLD.action, OLD.subject_id,
                OLD.resource_type, OLD.resource_id, OLD.purpose, OLD.reason, OLD.outcome, OLD.request_id, OLD.details)
        THEN
          RETURN NEW;
        END IF;
        IF TG_OP = 'DELETE' AND OLD.hash IS NOT NULL
           AND current_setting('palisade.audit_retention', true) IS NOT DISTINCT FROM 'on'
           AND OLD.chain_seq <= (SELECT max(chain_seq) FROM audit_checkpoints)
        THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Once events were removed, verification needs the checkpoint to start from: restore from backup instead.
    const [row] = (await q.query(`SELECT count(*)::int AS n FROM audit_checkpoints`)) as { n: number }[];
    if ((row?.n ?? 0) > 0) throw new Error('AuditRetention migration cannot be reverted once checkpoints exist');
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.hash IS NULL AND NEW.hash IS NOT NULL
           AND (NEW.seq, NEW.id, NEW.occurred_at, NEW.actor_type, NEW.actor_id, NEW.action, NEW.subject_id,
                NEW.resource_type, NEW.resource_id, NEW.purpose, NEW.reason, NEW.outcome, NEW.request_id, NEW.details)
           IS NOT DISTINCT FROM
               (OLD.seq, OLD.id, OLD.occurred_at, OLD.actor_type, OLD.actor_id, OLD.action, OLD.subject_id,
                OLD.resource_type, OLD.resource_id, OLD.purpose, OLD.reason, OLD.outcome, OLD.request_id, OLD.details)
        THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`DROP TABLE audit_checkpoints`);
    await q.query(`DROP FUNCTION audit_checkpoint_forward_only()`);
  }
}
