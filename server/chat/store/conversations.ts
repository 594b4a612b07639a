// The chat's SQL for conversations and their data subjects, as the visitor chat and the agents read
// and change them, with the row types the queries answer. Callers hold the transaction (and write
// the audit events); nothing here decrypts or decides.
import type { EntityManager } from 'typeorm';
import { changedRows } from '../../db/results.ts';
import type { ConversationView } from '../../../protocol/widget.ts';

export interface ConversationRow {
  id: string;
  subjectId: string;
  site: string;
  status: ConversationView['status'];
  mode: ConversationView['mode'];
  language: string | null;
  rating: number | null;
  queue: string | null;
  lastSeq: number;
  notHelpful: number;
}

/** A transaction, or the data source for a single read outside one. */
export type Queryable = Pick<EntityManager, 'query'>;

const CONVERSATION_COLUMNS = `id, subject_id AS "subjectId", site, status, mode, language, rating, queue, last_seq AS "lastSeq", not_helpful AS "notHelpful"`;

/** Counters come back as strings (bigint): numbers here. */
export const conversationOf = <T extends ConversationRow>(row: T): T => ({
  ...row,
  lastSeq: Number(row.lastSeq),
  notHelpful: Number(row.notHelpful),
});

export async function findConversation(
  tx: Queryable,
  conversationId: string,
  lock = false,
): Promise<ConversationRow | undefined> {
  const [row] = (await tx.query(
    `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [conversationId],
  )) as ConversationRow[];
  return row && conversationOf(row);
}

/** Whether the conversation is the AI's to answer, and how far its transcript goes. */
export async function conversationProgress(
  tx: Queryable,
  conversationId: string,
): Promise<Pick<ConversationRow, 'status' | 'mode' | 'lastSeq'> | undefined> {
  const [row] = (await tx.query(`SELECT status, mode, last_seq AS "lastSeq" FROM conversations WHERE id = $1`, [
    conversationId,
  ])) as (Pick<ConversationRow, 'status' | 'mode'> & { lastSeq: string })[];
  return row && { ...row, lastSeq: Number(row.lastSeq) };
}

/** The conversation's status alone (a read outside any transaction); undefined when there is none. */
export async function conversationStatus(tx: Queryable, conversationId: string): Promise<string | undefined> {
  const [row] = (await tx.query(`SELECT status FROM conversations WHERE id = $1`, [conversationId])) as {
    status: string;
  }[];
  return row?.status;
}

/** A visitor token's subject and conversation: erased? whose, on which site? */
export interface VisitorStanding {
  erasedAt: Date | null;
  owner: string | null;
  site: string | null;
}

export async function visitorStanding(
  tx: Queryable,
  subjectId: string,
  conversationId: string,
): Promise<VisitorStanding | undefined> {
  const [row] = (await tx.query(
    `SELECT s.erased_at AS "erasedAt", c.subject_id AS "owner", c.site FROM data_subjects s LEFT JOIN conversations c ON c.id = $2 WHERE s.id = $1`,
    [subjectId, conversationId],
  )) as VisitorStanding[];
  return row;
}

export async function subjectErasedAt(
  tx: Queryable,
  subjectId: string,
): Promise<{ erasedAt: Date | null } | undefined> {
  const [row] = (await tx.query(`SELECT erased_at AS "erasedAt" FROM data_subjects WHERE id = $1`, [subjectId])) as {
    erasedAt: Date | null;
  }[];
  return row;
}

/** Counts about the conversation's visitor: verified customer ids, and conversations they had before this one. */
export interface SubjectHistory {
  verified: number;
  earlier: number;
}

export async function subjectHistory(
  tx: Queryable,
  subjectId: string,
  conversationId: string,
): Promise<SubjectHistory> {
  const [counts] = (await tx.query(
    `SELECT (SELECT count(*)::int FROM subject_identifiers WHERE subject_id = $1 AND kind = 'customer_id') AS verified,
            (SELECT count(*)::int FROM conversations WHERE subject_id = $1 AND id <> $2
               AND created_at <= (SELECT created_at FROM conversations WHERE id = $2)) AS earlier`,
    [subjectId, conversationId],
  )) as SubjectHistory[];
  return { verified: Number(counts!.verified), earlier: Number(counts!.earlier) };
}

export async function countNotHelpful(tx: Queryable, conversationId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE conversations SET not_helpful = not_helpful + 1, updated_at = $2 WHERE id = $1`, [
    conversationId,
    now,
  ]);
}

export async function setRating(tx: Queryable, conversationId: string, score: number, now: Date): Promise<void> {
  await tx.query(`UPDATE conversations SET rating = $2, rated_at = $3, updated_at = $3 WHERE id = $1`, [
    conversationId,
    score,
    now,
  ]);
}

export async function setModeClosed(tx: Queryable, conversationId: string): Promise<void> {
  await tx.query(`UPDATE conversations SET mode = 'closed' WHERE id = $1`, [conversationId]);
}

/** Waiting for a person in `queue`; the conversation's language is kept if it has one. */
export async function markHandoff(
  tx: Queryable,
  props: { conversationId: string; queue: string; reason: string; now: Date; language: string | null },
): Promise<void> {
  await tx.query(
    `UPDATE conversations SET status = 'handoff', mode = 'queued', queue = $2, handoff_reason = $3, handoff_at = $4, assigned_to = NULL,
            language = COALESCE(language, $5), updated_at = $4 WHERE id = $1`,
    [props.conversationId, props.queue, props.reason, props.now, props.language],
  );
}

/** Answers whether the class changed. */
export async function setRetentionClass(
  tx: Queryable,
  conversationId: string,
  retentionClass: string,
  now: Date,
): Promise<boolean> {
  return (
    changedRows(
      await tx.query(
        `UPDATE conversations SET retention_class = $2, updated_at = $3 WHERE id = $1 AND retention_class <> $2`,
        [conversationId, retentionClass, now],
      ),
    ) > 0
  );
}
