import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { preparedQuery } from '../db/prepared.ts';
import { AuditEventInput, type AuditEvent, type ParsedAuditEvent, type RecordedFields, toRecord } from './event.ts';

export class AuditOutsideTransaction extends Error {
  constructor() {
    super('audit events must be appended inside the transaction of the access they record');
    this.name = 'AuditOutsideTransaction';
  }
}

/**
 * Records events inside the caller's transaction: a rolled-back access leaves no event behind, and
 * a committed one always has its event. The sealer (seal.ts) links them into the hash chain right
 * after commit; inserting takes no lock, so concurrent accesses never queue behind each other.
 */
export async function appendAudit(tx: EntityManager, ...inputs: AuditEventInput[]): Promise<AuditEvent[]> {
  return appendParsedAudit(
    tx,
    inputs.map((i) => AuditEventInput.parse(i)),
  );
}

/** appendAudit for events already checked against AuditEventInput (the model.request batcher's). */
export async function appendParsedAudit(tx: EntityManager, events: ParsedAuditEvent[]): Promise<AuditEvent[]> {
  if (!tx.queryRunner?.isTransactionActive) throw new AuditOutsideTransaction();
  if (events.length === 0) return [];
  const values: unknown[] = [];
  const insert = parsedAuditInsert(events, values);
  const inserted = await preparedQuery<{ id: string; seq: string }[]>(
    tx,
    `${insert.sql} RETURNING id, seq::text AS seq`,
    values,
  );
  const seqOf = new Map(inserted.map((r) => [r.id, r.seq]));
  return insert.records.map((r) => ({ ...r, seq: seqOf.get(r.id)!, chainSeq: null, prevHash: null, hash: null }));
}

/**
 * Events of an access that holds no transaction of its own (a model call): one multi-row INSERT,
 * which PostgreSQL commits as a whole or not at all, so no BEGIN/COMMIT round trips around it.
 * Never for an access to stored data: those go in that access's transaction (appendAudit).
 */
export async function appendStandaloneAudit(
  db: Pick<EntityManager, 'query'>,
  events: ParsedAuditEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const values: unknown[] = [];
  await preparedQuery(db, parsedAuditInsert(events, values).sql, values);
}

/**
 * The INSERT of events as SQL text whose parameters are appended to `values` (numbered after the
 * ones already there), so a caller can make it one part of a larger statement (a data-modifying
 * WITH); that statement must run in the transaction of the access, as appendAudit's does.
 */
export function auditInsert(inputs: AuditEventInput[], values: unknown[]): { sql: string; records: RecordedFields[] } {
  return parsedAuditInsert(
    inputs.map((i) => AuditEventInput.parse(i)),
    values,
  );
}

function parsedAuditInsert(events: ParsedAuditEvent[], values: unknown[]): { sql: string; records: RecordedFields[] } {
  const now = new Date();
  const records = events.map((e) => toRecord(randomUUID(), now, e));
  const tuples = records.map((r) => {
    const cols = [
      r.id,
      r.occurredAt,
      r.actorType,
      r.actorId,
      r.action,
      r.subjectId,
      r.resourceType,
      r.resourceId,
      r.purpose,
      r.reason,
      r.outcome,
      r.requestId,
      JSON.stringify(r.details),
    ];
    const base = values.length;
    values.push(...cols);
    return `(${cols.map((_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  return {
    sql: `INSERT INTO audit_events (id, occurred_at, actor_type, actor_id, action, subject_id, resource_type, resource_id,
       purpose, reason, outcome, request_id, details) VALUES ${tuples.join(', ')}`,
    records,
  };
}
