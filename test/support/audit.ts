// Reads the audit log straight from the database, so tests check what was stored, not what an API says.
import { AUDIT_COLUMNS, type AuditEvent } from '../../server/audit/event.ts';
import type { RunningServer } from '../../server/boot.ts';

/** Events matching a SQL condition on audit_events (parameters as $1, $2, …), oldest first. */
export async function auditEvents(server: RunningServer, where = 'TRUE', params: unknown[] = []): Promise<AuditEvent[]> {
  return (await server.deps.db.dataSource.query(`SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${where} ORDER BY audit_events.seq`, params)) as AuditEvent[];
}

export async function auditCount(server: RunningServer, where = 'TRUE', params: unknown[] = []): Promise<number> {
  const [row] = (await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM audit_events WHERE ${where}`, params)) as { n: number }[];
  return row?.n ?? 0;
}
