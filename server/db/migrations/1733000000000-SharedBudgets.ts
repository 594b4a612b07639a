import type { MigrationInterface, QueryRunner } from 'typeorm';

// Cloud budgets in the database (server/models/budgets.ts): one row per budget key (a site or an
// API key's id), kind and fixed window. Shared by every node, kept across restarts.
export class SharedBudgets1733000000000 implements MigrationInterface {
  name = 'SharedBudgets1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE model_budget_usage (
        budget_key text NOT NULL CHECK (length(budget_key) BETWEEN 1 AND 300),
        kind text NOT NULL CHECK (kind IN ('requests', 'tokens')),
        window_start timestamptz NOT NULL,
        used bigint NOT NULL CHECK (used >= 0),
        PRIMARY KEY (budget_key, kind, window_start)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE model_budget_usage`);
  }
}
