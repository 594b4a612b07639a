import type { MigrationInterface, QueryRunner } from 'typeorm';

// Canned responses: replies agents insert with a `/` search, per site and language, kept by
// admins. No personal data: the text is the bank's own wording with {agent_name} and
// {visitor_language} fill-ins. Deleting archives (the audit trail names the id).
export class CannedResponses1733270100000 implements MigrationInterface {
  name = 'CannedResponses1733270100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE canned_responses (
        id uuid PRIMARY KEY,
        site text NOT NULL,
        language text NOT NULL,
        shortcut text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        created_by uuid NOT NULL,
        updated_by uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz
      )`);
    await q.query(
      `CREATE UNIQUE INDEX canned_responses_shortcut ON canned_responses (site, language, shortcut) WHERE archived_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE canned_responses`);
  }
}
