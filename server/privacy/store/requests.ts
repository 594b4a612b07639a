// Data-subject requests (access, erasure, rectification) and their states, with the row type.
import type { Queryable } from './queryable.ts';

export const DSR_TYPES = ['access', 'erasure', 'rectification'] as const;
export const DSR_STATES = ['received', 'identity_verified', 'in_progress', 'done', 'refused'] as const;
export type DsrState = (typeof DSR_STATES)[number];

export interface SubjectRequest {
  id: string;
  subjectId: string;
  type: (typeof DSR_TYPES)[number];
  state: DsrState;
  channel: string;
  createdBy: string;
  receivedAt: Date;
  dueAt: Date;
  completedAt: Date | null;
  refusedReason: string | null;
  receipt: Record<string, unknown> | null;
}

/** A closed request as the evidence bundle lists it (receipt and whether it was on time). */
export type ClosedRequest = Omit<SubjectRequest, 'createdBy'> & { onTime: boolean | null };

const COLUMNS = `id, subject_id AS "subjectId", type, state, channel, created_by AS "createdBy", received_at AS "receivedAt", due_at AS "dueAt",
  completed_at AS "completedAt", refused_reason AS "refusedReason", receipt`;

export const requestStore = {
  async insert(
    tx: Queryable,
    r: Pick<SubjectRequest, 'id' | 'subjectId' | 'type' | 'channel' | 'createdBy' | 'receivedAt' | 'dueAt'> & {
      details: Buffer | null;
    },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO dsr_requests (id, subject_id, type, state, channel, created_by, received_at, due_at, updated_at, details_ciphertext) VALUES ($1, $2, $3, 'received', $4, $5, $6, $7, $6, $8)`,
      [r.id, r.subjectId, r.type, r.channel, r.createdBy, r.receivedAt, r.dueAt, r.details],
    );
  },

  async find(tx: Queryable, id: string, lock = false): Promise<SubjectRequest | undefined> {
    const [row] = (await tx.query(`SELECT ${COLUMNS} FROM dsr_requests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
      id,
    ])) as SubjectRequest[];
    return row;
  },

  /** The subject's own words, sealed; null once erased. */
  async details(tx: Queryable, id: string): Promise<Buffer | null> {
    const [row] = (await tx.query(`SELECT details_ciphertext AS c FROM dsr_requests WHERE id = $1`, [id])) as {
      c: Buffer | null;
    }[];
    return row?.c ?? null;
  },

  async setState(
    tx: Queryable,
    id: string,
    s: { state: DsrState; now: Date; completedAt: Date | null; refusedReason: string | null },
  ): Promise<void> {
    await tx.query(
      `UPDATE dsr_requests SET state = $2, updated_at = $3, completed_at = $4, refused_reason = $5 WHERE id = $1`,
      [id, s.state, s.now, s.completedAt, s.refusedReason],
    );
  },

  async complete(tx: Queryable, id: string, now: Date, receipt: unknown): Promise<void> {
    await tx.query(
      `UPDATE dsr_requests SET state = 'done', updated_at = $2, completed_at = $2, receipt = $3 WHERE id = $1`,
      [id, now, JSON.stringify(receipt)],
    );
  },

  /** Soonest due first, at most 500; `dueBy`: only open requests due by then. */
  async list(
    tx: Queryable,
    filter: { state?: DsrState; subjectId?: string; dueBy: Date | null },
  ): Promise<SubjectRequest[]> {
    return (await tx.query(
      `SELECT ${COLUMNS} FROM dsr_requests
      WHERE ($1::text IS NULL OR state = $1) AND ($2::text IS NULL OR subject_id = $2)
        AND ($3::timestamptz IS NULL OR (state NOT IN ('done', 'refused') AND due_at <= $3))
      ORDER BY due_at, id LIMIT 500`,
      [filter.state ?? null, filter.subjectId ?? null, filter.dueBy],
    )) as SubjectRequest[];
  },

  /** Every done or refused request, most recently completed first. */
  async closed(tx: Queryable): Promise<ClosedRequest[]> {
    return (await tx.query(
      `SELECT id, subject_id AS "subjectId", type, state, channel, received_at AS "receivedAt", due_at AS "dueAt", completed_at AS "completedAt",
              refused_reason AS "refusedReason", receipt, completed_at <= due_at AS "onTime"
         FROM dsr_requests WHERE state IN ('done', 'refused') ORDER BY completed_at DESC NULLS LAST, id`,
    )) as ClosedRequest[];
  },
};
