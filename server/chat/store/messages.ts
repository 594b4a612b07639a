// The chat's SQL for messages: the transcript as stored (sealed), an AI answer's feedback, and the
// single messages an agent opens. Callers hold the transaction, open the text and write the audit.
import type { ChatRole, Notice } from '../../../protocol/widget.ts';
import type { Queryable } from './conversations.ts';

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

/** A stored message row before its text is opened. */
export type SealedMessageRow = Omit<MessageRow, 'text' | 'attachments'> & { ciphertext: Buffer };

export async function messagesAfter(tx: Queryable, conversationId: string, after: number): Promise<SealedMessageRow[]> {
  const rows = (await tx.query(
    `SELECT id, seq, role, ciphertext, created_at AS "createdAt", client_id AS "clientId", meta FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq`,
    [conversationId, after],
  )) as SealedMessageRow[];
  return rows.map((m) => ({ ...m, seq: Number(m.seq) }));
}

/** One message's sealed text, when it belongs to the conversation. */
export async function messageCiphertext(
  tx: Queryable,
  messageId: string,
  conversationId: string,
): Promise<Buffer | undefined> {
  const [row] = (await tx.query(`SELECT ciphertext FROM messages WHERE id = $1 AND conversation_id = $2`, [
    messageId,
    conversationId,
  ])) as { ciphertext: Buffer }[];
  return row?.ciphertext;
}

/** The conversation's newest visitor message, sealed; undefined when the visitor wrote nothing. */
export async function latestVisitorMessage(
  tx: Queryable,
  conversationId: string,
): Promise<{ id: string; ciphertext: Buffer } | undefined> {
  const [row] = (await tx.query(
    `SELECT id, ciphertext FROM messages WHERE conversation_id = $1 AND role = 'visitor' ORDER BY seq DESC LIMIT 1`,
    [conversationId],
  )) as { id: string; ciphertext: Buffer }[];
  return row;
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

export async function hasAnswer(tx: Queryable, conversationId: string): Promise<boolean> {
  const [answered] = (await tx.query(
    `SELECT 1 FROM messages WHERE conversation_id = $1 AND role IN ('assistant', 'agent') LIMIT 1`,
    [conversationId],
  )) as unknown[];
  return !!answered;
}
