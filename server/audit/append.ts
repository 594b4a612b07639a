import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { AuditEventInput, type AuditEvent, toRow } from './event.ts';

export class AuditOutsideTransaction extends Error {
  constructor() {
    super('audit events must be appended inside the transaction of the access they record');
    this.name = 'AuditOutsideTransaction';
  }
}

/**
 * Appends events to the hash chain inside the caller's transaction. The row lock on the chain head
 * serialises appends until commit, so the chain stays linear under any concurrency, and a rolled
 * back access leaves no event behind (and vice versa).
 */
export async function appendAudit(tx: EntityManager, ...inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  if (!tx.queryRunner?.isTransactionActive) throw new AuditOutsideTransaction();
  const parsed = inputs.map((i) => AuditEventInput.parse(i));
  const [head] = (await tx.query(`SELECT seq::text AS seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE`)) as { seq: string; hash: string }[];
  if (!head) throw new Error('audit chain head is missing: run migrations');
  let seq = BigInt(head.seq);
  let prev = head.hash;
  const rows: AuditEvent[] = [];
  const now = new Date();
  for (const p of parsed) {
    seq += 1n;
    const row = toRow(seq.toString(), randomUUID(), now, p, prev);
    rows.push(row);
    prev = row.hash;
  }
  const values: unknown[] = [];
  const tuples = rows.map((r) => {
    const cols = [r.seq, r.id, r.occurredAt, r.actorType, r.actorId, r.action, r.subjectId, r.resourceType, r.resourceId, r.purpose, r.reason, r.outcome, r.requestId, JSON.stringify(r.details), r.prevHash, r.hash];
    const base = values.length;
    values.push(...cols);
    return `(${cols.map((_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  await tx.query(
    `INSERT INTO audit_events (seq, id, occurred_at, actor_type, actor_id, action, subject_id, resource_type, resource_id,
       purpose, reason, outcome, request_id, details, prev_hash, hash) VALUES ${tuples.join(', ')}`,
    values,
  );
  const last = rows[rows.length - 1];
  if (last) await tx.query(`UPDATE audit_chain_head SET seq = $1, hash = $2 WHERE id = 1`, [last.seq, last.hash]);
  return rows;
}
