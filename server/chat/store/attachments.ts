// The chat's SQL for attachments: which went out with a message, linking uploads to the message that
// sends them, and whose they are. Callers hold the transaction; the files' bytes live elsewhere
// (server/privacy/conversations.ts).
import { returnedRows } from '../../db/results.ts';
import type { Queryable } from './conversations.ts';

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

/** The conversation an attachment belongs to; undefined when there is no such attachment. */
export async function attachmentConversationId(tx: Queryable, attachmentId: string): Promise<string | undefined> {
  const [row] = (await tx.query(`SELECT conversation_id AS "conversationId" FROM attachments WHERE id = $1`, [
    attachmentId,
  ])) as { conversationId: string }[];
  return row?.conversationId;
}
