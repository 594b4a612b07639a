// The chat's SQL: conversations, their messages and attachments as the visitor chat reads and
// changes them, with the row types the queries answer. Callers hold the transaction (and write the
// audit events); nothing here decrypts or decides.
import type { EntityManager } from 'typeorm';
import { changedRows, returnedRows } from '../db/results.ts';
import type { ChatRole, ConversationView, Notice } from '../../protocol/widget.ts';

export interface MessageRow {
  id: string;
  seq: number;
  role: ChatRole;
  text: string;
  createdAt: Date;
  clientId: string | null;
  meta: MessageMeta;
  attachments: { id: string; mime: string; size: number }[];
}

/** Non-personal facts stored beside a message (messages.meta). */
export interface MessageMeta {
  sources?: { articleId: string; title: string }[];
  route?: string;
  provider?: string;
  /** the routing target that answered (an AI answer) */
  target?: string;
  /** the answer came from a fallback: the target passed over, why, and what lay under it (ids, no text) */
  fallback?: { from: string; failure: string; cause: string };
  /** an AI answer: the seq of the newest visitor message its prompt held (later ones still wait) */
  answers?: number;
  notice?: Notice;
  /** an AI answer that offers a person (its "I don't know"): the widget shows Yes / No */
  offer?: 'handoff';
  feedback?: boolean;
  agentId?: string;
  agentName?: string;
}

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
const conversationOf = <T extends ConversationRow>(row: T): T => ({
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

/** A stored message row before its text is opened. */
export type SealedMessageRow = Omit<MessageRow, 'text' | 'attachments'> & { ciphertext: Buffer };

export async function messagesAfter(tx: Queryable, conversationId: string, after: number): Promise<SealedMessageRow[]> {
  const rows = (await tx.query(
    `SELECT id, seq, role, ciphertext, created_at AS "createdAt", client_id AS "clientId", meta FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq`,
    [conversationId, after],
  )) as SealedMessageRow[];
  return rows.map((m) => ({ ...m, seq: Number(m.seq) }));
}

export interface SentAttachment {
  id: string;
  mime: string;
  size: number;
  messageId: string;
}

/** The conversation's attachments that went out with a message, oldest first. */
export async function sentAttachments(tx: Queryable, conversationId: string): Promise<SentAttachment[]> {
  const rows = (await tx.query(
    `SELECT id, mime, size_bytes AS size, message_id AS "messageId" FROM attachments WHERE conversation_id = $1 AND message_id IS NOT NULL ORDER BY created_at, id`,
    [conversationId],
  )) as SentAttachment[];
  return rows.map((f) => ({ ...f, size: Number(f.size) }));
}

/** Links uploaded, unsent attachments of the conversation to a message; answers those it linked. */
export async function attachToMessage(
  tx: Queryable,
  props: { messageId: string; conversationId: string; attachmentIds: string[] },
): Promise<{ id: string; mime: string; size: number }[]> {
  const rows = returnedRows<{ id: string; mime: string; size: number }>(
    await tx.query(
      `UPDATE attachments SET message_id = $1 WHERE id = ANY($2::uuid[]) AND conversation_id = $3 AND message_id IS NULL RETURNING id, mime, size_bytes AS size`,
      [props.messageId, props.attachmentIds, props.conversationId],
    ),
  );
  return rows.map((r) => ({ id: r.id, mime: r.mime, size: Number(r.size) }));
}

export async function attachmentOwnedBy(tx: Queryable, attachmentId: string, subjectId: string): Promise<boolean> {
  const [own] = (await tx.query(`SELECT 1 FROM attachments WHERE id = $1 AND subject_id = $2`, [
    attachmentId,
    subjectId,
  ])) as unknown[];
  return !!own;
}

/** An AI answer's seq and the feedback it had before. */
export async function assistantMessage(
  tx: Queryable,
  messageId: string,
  conversationId: string,
): Promise<{ seq: number; before: boolean | null } | undefined> {
  const [row] = (await tx.query(
    `SELECT seq, meta->'feedback' AS before FROM messages WHERE id = $1 AND conversation_id = $2 AND role = 'assistant'`,
    [messageId, conversationId],
  )) as { seq: string; before: boolean | null }[];
  return row && { seq: Number(row.seq), before: row.before };
}

export async function setFeedback(tx: Queryable, messageId: string, helpful: boolean): Promise<void> {
  await tx.query(`UPDATE messages SET meta = meta || jsonb_build_object('feedback', $2::boolean) WHERE id = $1`, [
    messageId,
    helpful,
  ]);
}

export async function countNotHelpful(tx: Queryable, conversationId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE conversations SET not_helpful = not_helpful + 1, updated_at = $2 WHERE id = $1`, [
    conversationId,
    now,
  ]);
}

export async function hasAnswer(tx: Queryable, conversationId: string): Promise<boolean> {
  const [answered] = (await tx.query(
    `SELECT 1 FROM messages WHERE conversation_id = $1 AND role IN ('assistant', 'agent') LIMIT 1`,
    [conversationId],
  )) as unknown[];
  return !!answered;
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
