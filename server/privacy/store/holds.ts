// Legal holds (maker-checker) and the SQL condition that tells whether one covers a subject or a
// conversation, with the row type.
import type { Queryable } from './queryable.ts';

export type HoldStatus = 'pending' | 'active' | 'lift_pending' | 'lifted' | 'rejected';
export interface LegalHold {
  id: string;
  scope: 'subject' | 'conversation';
  subjectId: string | null;
  conversationId: string | null;
  caseId: string;
  reason: string;
  endsAt: Date | null;
  status: HoldStatus;
  placedBy: string;
  placedAt: Date;
  approvedBy: string | null;
  liftRequestedBy: string | null;
  liftedBy: string | null;
  liftedAt: Date | null;
}

const COLUMNS = `id, scope, subject_id AS "subjectId", conversation_id AS "conversationId", case_id AS "caseId", reason, ends_at AS "endsAt", status,
  placed_by AS "placedBy", placed_at AS "placedAt", approved_by AS "approvedBy", lift_requested_by AS "liftRequestedBy", lifted_by AS "liftedBy", lifted_at AS "liftedAt"`;

/** SQL condition: a hold in force (not lifted or rejected, not past its end) covers this subject or conversation. */
export const holdCovers = (on: { subject?: string; conversation?: string }, nowParam: string) => {
  const covers = [
    on.subject ? `h.subject_id = ${on.subject}` : '',
    on.conversation ? `h.conversation_id = ${on.conversation}` : '',
  ]
    .filter(Boolean)
    .join(' OR ');
  return `EXISTS (SELECT 1 FROM legal_holds h WHERE h.status IN ('pending', 'active', 'lift_pending')
    AND (h.ends_at IS NULL OR h.ends_at > ${nowParam}) AND (${covers}))`;
};

/** A decision on a hold: the columns it sets ($2 the deciding officer, $3 the time). */
export type HoldDecision = 'approve' | 'reject' | 'lift_approve';
const DECISIONS: Record<HoldDecision, string> = {
  approve: `status = 'active', approved_by = $2, approved_at = $3`,
  reject: `status = 'rejected', lifted_by = $2, lifted_at = $3`,
  lift_approve: `status = 'lifted', lifted_by = $2, lifted_at = $3`,
};

export const holdStore = {
  /** Whether any hold in force covers the subject or any of their conversations. */
  async subjectUnderHold(tx: Queryable, subjectId: string, now: Date): Promise<boolean> {
    const [row] = (await tx.query(
      `SELECT (${holdCovers({ subject: '$1' }, '$2')} OR EXISTS (SELECT 1 FROM conversations c WHERE c.subject_id = $1 AND ${holdCovers({ conversation: 'c.id' }, '$2')})) AS held`,
      [subjectId, now],
    )) as { held: boolean }[];
    return row?.held ?? false;
  },

  /** The hold, locked for a decision. */
  async lock(tx: Queryable, id: string): Promise<LegalHold | undefined> {
    const [row] = (await tx.query(`SELECT ${COLUMNS} FROM legal_holds WHERE id = $1 FOR UPDATE`, [id])) as LegalHold[];
    return row;
  },

  async insert(
    tx: Queryable,
    h: Pick<
      LegalHold,
      'id' | 'scope' | 'subjectId' | 'conversationId' | 'caseId' | 'reason' | 'endsAt' | 'placedBy' | 'placedAt'
    >,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO legal_holds (id, scope, subject_id, conversation_id, case_id, reason, ends_at, status, placed_by, placed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)`,
      [h.id, h.scope, h.subjectId, h.conversationId, h.caseId, h.reason, h.endsAt, h.placedBy, h.placedAt],
    );
  },

  async decide(tx: Queryable, id: string, decision: HoldDecision, by: string, now: Date): Promise<void> {
    await tx.query(`UPDATE legal_holds SET ${DECISIONS[decision]} WHERE id = $1`, [id, by, now]);
  },

  async requestLift(tx: Queryable, id: string, by: string, now: Date): Promise<void> {
    await tx.query(
      `UPDATE legal_holds SET status = 'lift_pending', lift_requested_by = $2, lift_requested_at = $3 WHERE id = $1`,
      [id, by, now],
    );
  },

  /** Newest first, at most 500. */
  async list(tx: Queryable, filter: { status?: HoldStatus; subjectId?: string }): Promise<LegalHold[]> {
    return (await tx.query(
      `SELECT ${COLUMNS} FROM legal_holds WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR subject_id = $2) ORDER BY placed_at DESC, id LIMIT 500`,
      [filter.status ?? null, filter.subjectId ?? null],
    )) as LegalHold[];
  },
};
