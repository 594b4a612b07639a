// Reads the audit log straight from the database, so tests check what was stored, not what an API says.
import { AUDIT_COLUMNS, type AuditEvent } from '../../server/audit/event.ts';
import type { RunningServer } from '../../server/boot.ts';

/** Events matching a SQL condition on audit_events (parameters as $1, $2, …), oldest first. */
export async function auditEvents(
  server: RunningServer,
  where = 'TRUE',
  params: unknown[] = [],
): Promise<AuditEvent[]> {
  return (await server.deps.db.dataSource.query(
    `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${where} ORDER BY audit_events.seq`,
    params,
  )) as AuditEvent[];
}

export async function auditCount(server: RunningServer, where = 'TRUE', params: unknown[] = []): Promise<number> {
  const [row] = (await server.deps.db.dataSource.query(
    `SELECT count(*)::int AS n FROM audit_events WHERE ${where}`,
    params,
  )) as { n: number }[];
  return row?.n ?? 0;
}

/** What a trigger does to each model.request insert: refuse it as a restarting server would (SQLSTATE 57P03), or make it slow. */
export const MODEL_AUDIT_REFUSED = `RAISE EXCEPTION 'audit store restarting' USING ERRCODE = '57P03';`;
export const modelAuditSlow = (seconds: number) => `PERFORM pg_sleep(${seconds});`;

/** Runs `run` while a trigger on audit_events does `body` to model.request inserts (other actions go in as usual); removes it after. */
export async function withModelAuditTrigger(
  server: RunningServer,
  body: string,
  run: () => Promise<void>,
): Promise<void> {
  const q = (sql: string) => server.deps.db.dataSource.query(sql);
  await q(
    `CREATE FUNCTION test_model_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'model.request' THEN ${body} END IF; RETURN NEW; END $$`,
  );
  await q(
    `CREATE TRIGGER test_model_audit BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION test_model_audit()`,
  );
  try {
    await run();
  } finally {
    await q(`DROP TRIGGER IF EXISTS test_model_audit ON audit_events`);
    await q(`DROP FUNCTION IF EXISTS test_model_audit()`);
  }
}
