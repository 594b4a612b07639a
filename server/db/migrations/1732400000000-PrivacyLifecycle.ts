import type { MigrationInterface, QueryRunner } from 'typeorm';

// Personal-data tables are born encrypted: text, attachments and vaults are AES-256-GCM envelopes
// (bytea) under the data subject's key. Deleting a subject_keys row crypto-shreds everything of
// that subject, backups included. Identifiers are keyed HMACs, never plaintext.
export class PrivacyLifecycle1732400000000 implements MigrationInterface {
  name = 'PrivacyLifecycle1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE data_subjects (
        id text PRIMARY KEY CHECK (id ~ '^sub_[a-z0-9]{16,40}$'),
        created_at timestamptz NOT NULL,
        erased_at timestamptz
      )`);
    // Keys of the appliance itself (e.g. the identifier HMAC root), wrapped like data keys so a
    // master-key rotation re-wraps them too and lookups keep working.
    await q.query(`
      CREATE TABLE system_keys (
        purpose text PRIMARY KEY,
        wrapped_key bytea NOT NULL,
        master_key_id text NOT NULL,
        created_at timestamptz NOT NULL,
        rewrapped_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE subject_keys (
        subject_id text PRIMARY KEY REFERENCES data_subjects (id),
        wrapped_key bytea NOT NULL,
        key_version integer NOT NULL DEFAULT 1,
        master_key_id text NOT NULL,
        created_at timestamptz NOT NULL,
        rewrapped_at timestamptz
      )`);
    await q.query(`CREATE INDEX subject_keys_master_idx ON subject_keys (master_key_id)`);
    await q.query(`
      CREATE TABLE subject_identifiers (
        kind text NOT NULL CHECK (kind IN ('email', 'phone', 'customer_id', 'visitor')),
        digest bytea NOT NULL,
        subject_id text NOT NULL REFERENCES data_subjects (id),
        created_at timestamptz NOT NULL,
        PRIMARY KEY (kind, digest)
      )`);
    await q.query(`CREATE INDEX subject_identifiers_subject_idx ON subject_identifiers (subject_id)`);
    await q.query(`
      CREATE TABLE conversations (
        id uuid PRIMARY KEY,
        subject_id text NOT NULL REFERENCES data_subjects (id),
        site text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'handoff', 'closed')),
        retention_class text NOT NULL,
        language text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        closed_at timestamptz
      )`);
    await q.query(`CREATE INDEX conversations_subject_idx ON conversations (subject_id)`);
    await q.query(`CREATE INDEX conversations_closed_idx ON conversations (closed_at) WHERE closed_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        subject_id text NOT NULL REFERENCES data_subjects (id),
        role text NOT NULL CHECK (role IN ('visitor', 'assistant', 'agent')),
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX messages_conversation_idx ON messages (conversation_id, created_at)`);
    await q.query(`CREATE INDEX messages_subject_idx ON messages (subject_id)`);
    await q.query(`CREATE INDEX messages_created_idx ON messages (created_at)`);
    await q.query(`
      CREATE TABLE attachments (
        id uuid PRIMARY KEY,
        conversation_id uuid NOT NULL REFERENCES conversations (id),
        message_id uuid REFERENCES messages (id),
        subject_id text NOT NULL REFERENCES data_subjects (id),
        mime text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX attachments_conversation_idx ON attachments (conversation_id)`);
    await q.query(`CREATE INDEX attachments_subject_idx ON attachments (subject_id)`);
    await q.query(`CREATE INDEX attachments_message_idx ON attachments (message_id)`);
    await q.query(`
      CREATE TABLE consent_records (
        id uuid PRIMARY KEY,
        subject_id text NOT NULL REFERENCES data_subjects (id),
        purpose text NOT NULL,
        granted boolean NOT NULL,
        text_version text NOT NULL,
        text_hash char(64) NOT NULL,
        language text NOT NULL,
        recorded_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX consent_records_subject_idx ON consent_records (subject_id, purpose, recorded_at)`);
    await q.query(`
      CREATE TABLE conversation_vaults (
        conversation_id uuid PRIMARY KEY REFERENCES conversations (id),
        subject_id text NOT NULL REFERENCES data_subjects (id),
        revision integer NOT NULL,
        ciphertext bytea NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX conversation_vaults_subject_idx ON conversation_vaults (subject_id)`);
    // Maker-checker: a hold is placed by one compliance officer and approved by another; lifting
    // likewise. Pending and active holds both stop deletion (erasure cannot be undone).
    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY,
        scope text NOT NULL CHECK (scope IN ('subject', 'conversation')),
        subject_id text REFERENCES data_subjects (id),
        conversation_id uuid,
        case_id text NOT NULL,
        reason text NOT NULL,
        ends_at timestamptz,
        status text NOT NULL CHECK (status IN ('pending', 'active', 'lift_pending', 'lifted', 'rejected')),
        placed_by text NOT NULL,
        placed_at timestamptz NOT NULL,
        approved_by text,
        approved_at timestamptz,
        lift_requested_by text,
        lift_requested_at timestamptz,
        lifted_by text,
        lifted_at timestamptz,
        CHECK ((scope = 'subject') = (subject_id IS NOT NULL AND conversation_id IS NULL)),
        CHECK ((scope = 'conversation') = (conversation_id IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX legal_holds_subject_idx ON legal_holds (subject_id) WHERE status IN ('pending', 'active', 'lift_pending')`,
    );
    await q.query(
      `CREATE INDEX legal_holds_conversation_idx ON legal_holds (conversation_id) WHERE status IN ('pending', 'active', 'lift_pending')`,
    );
    await q.query(`
      CREATE TABLE dsr_requests (
        id uuid PRIMARY KEY,
        subject_id text NOT NULL REFERENCES data_subjects (id),
        type text NOT NULL CHECK (type IN ('access', 'erasure', 'rectification')),
        state text NOT NULL CHECK (state IN ('received', 'identity_verified', 'in_progress', 'done', 'refused')),
        channel text NOT NULL CHECK (channel IN ('console', 'widget', 'cli')),
        created_by text NOT NULL,
        received_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        completed_at timestamptz,
        refused_reason text,
        details_ciphertext bytea,
        receipt jsonb
      )`);
    await q.query(`CREATE INDEX dsr_requests_open_idx ON dsr_requests (due_at) WHERE state NOT IN ('done', 'refused')`);
    await q.query(`CREATE INDEX dsr_requests_subject_idx ON dsr_requests (subject_id)`);
    await q.query(`
      CREATE TABLE retention_runs (
        id uuid PRIMARY KEY,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        dry_run boolean NOT NULL,
        status text NOT NULL CHECK (status IN ('running', 'done', 'failed', 'skipped')),
        policy_hash char(64) NOT NULL,
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        actor text NOT NULL
      )`);
    await q.query(`
      CREATE TABLE erasure_jobs (
        id uuid PRIMARY KEY,
        subject_id text NOT NULL REFERENCES data_subjects (id),
        dsr_id uuid REFERENCES dsr_requests (id),
        step integer NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('running', 'done')),
        counts jsonb NOT NULL DEFAULT '{}'::jsonb,
        actor text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        receipt jsonb
      )`);
    await q.query(`CREATE UNIQUE INDEX erasure_jobs_one_running ON erasure_jobs (subject_id) WHERE status = 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'erasure_jobs',
      'retention_runs',
      'dsr_requests',
      'legal_holds',
      'conversation_vaults',
      'consent_records',
      'attachments',
      'messages',
      'conversations',
      'subject_identifiers',
      'subject_keys',
      'system_keys',
      'data_subjects',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
