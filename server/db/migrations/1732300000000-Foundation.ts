import type { MigrationInterface, QueryRunner } from 'typeorm';

export const GENESIS_HASH = '0'.repeat(64);

export class Foundation1732300000000 implements MigrationInterface {
  name = 'Foundation1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_users (
        id uuid PRIMARY KEY,
        email text NOT NULL,
        display_name text NOT NULL,
        password_hash text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin', 'agent', 'compliance_officer', 'auditor')),
        disabled_at timestamptz,
        failed_logins integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_users_email_key ON staff_users (lower(email))`);
    await q.query(`
      CREATE TABLE staff_sessions (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL REFERENCES staff_users (id),
        refresh_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        revoked_at timestamptz,
        revoked_reason text
      )`);
    await q.query(`CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id)`);
    await q.query(`
      CREATE TABLE setup_tokens (
        id uuid PRIMARY KEY,
        token_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);

    // The audit log: append-only, hash-chained. A row is inserted in the transaction of the access
    // it records (seq: recorded order); the sealer then links committed rows into the chain
    // (chain_seq, prev_hash, hash) in batches, one sealer at a time under the head row's lock.
    // Inserts never wait on each other, so commits group and the log keeps up with the disk.
    await q.query(`
      CREATE TABLE audit_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id uuid NOT NULL UNIQUE,
        occurred_at timestamptz NOT NULL,
        actor_type text NOT NULL CHECK (actor_type IN ('staff', 'visitor', 'system', 'anonymous', 'api_key')),
        actor_id text NOT NULL,
        action text NOT NULL,
        subject_id text,
        resource_type text,
        resource_id text,
        purpose text,
        reason text,
        outcome text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb,
        chain_seq bigint UNIQUE,
        prev_hash char(64),
        hash char(64) UNIQUE,
        CHECK ((chain_seq IS NULL) = (hash IS NULL) AND (hash IS NULL) = (prev_hash IS NULL))
      )`);
    await q.query(`CREATE INDEX audit_events_unsealed_idx ON audit_events (seq) WHERE chain_seq IS NULL`);
    await q.query(`CREATE INDEX audit_events_time_idx ON audit_events (occurred_at)`);
    await q.query(`CREATE INDEX audit_events_actor_idx ON audit_events (actor_type, actor_id)`);
    await q.query(`CREATE INDEX audit_events_subject_idx ON audit_events (subject_id) WHERE subject_id IS NOT NULL`);
    await q.query(`CREATE INDEX audit_events_action_idx ON audit_events (action)`);
    await q.query(`CREATE INDEX audit_events_resource_idx ON audit_events (resource_type, resource_id)`);
    await q.query(`
      CREATE TABLE audit_chain_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        seq bigint NOT NULL, -- chain_seq of the newest sealed event
        hash char(64) NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}')`);

    await q.query(`
      CREATE FUNCTION audit_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit log is append-only: % on % refused', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    // The one change allowed to an event: sealing it once (chain fields from empty to set), with
    // every recorded field left exactly as it was.
    await q.query(`
      CREATE FUNCTION audit_events_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_seal_only()`);
    await q.query(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_chain_head_no_delete BEFORE DELETE ON audit_chain_head
      FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await q.query(`CREATE TRIGGER audit_chain_head_no_truncate BEFORE TRUNCATE ON audit_chain_head
      FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
    // The head only moves forward, and only onto a row that exists with that hash.
    await q.query(`
      CREATE FUNCTION audit_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.seq <= OLD.seq OR NOT EXISTS (
          SELECT 1 FROM audit_events e WHERE e.chain_seq = NEW.seq AND e.hash = NEW.hash
        ) THEN
          RAISE EXCEPTION 'audit chain head may only advance to an appended event'
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE ON audit_chain_head
      FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()`);
  }

  async down(): Promise<void> {
    // An audit log is never rolled back by a migration; restore from backup instead.
    throw new Error('Foundation migration cannot be reverted');
  }
}
