// Conversations, their messages and attachments, stored encrypted under the subject's data key.
// Every write and every read of the content is an audit event in the same transaction.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/append.ts';
import { returnedRows } from '../db/results.ts';
import { notFound } from '../errors.ts';
import type { PrivacyCtx } from './context.ts';
import { CiphertextInvalid, open, openText, seal, sealText } from './envelope.ts';
import { ciphertextInvalid } from './errors.ts';
import { subjectKey } from './subjectKeys.ts';
import { liveSubject } from './subjects.ts';

export const MESSAGE_ROLES = ['visitor', 'assistant', 'agent'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

export interface Conversation {
  id: string;
  subjectId: string;
  site: string;
  status: 'open' | 'handoff' | 'closed';
  retentionClass: string;
  language: string | null;
  createdAt: Date;
  closedAt: Date | null;
}

export interface StoredMessage {
  id: string;
  conversationId: string;
  role: MessageRole;
  text: string;
  createdAt: Date;
}

export const aad = {
  message: (id: string) => `message:${id}`,
  attachment: (id: string) => `attachment:${id}`,
  vault: (conversationId: string) => `vault:${conversationId}`,
  dsrDetails: (id: string) => `dsr:${id}`,
};

/** Opens an envelope; a tampered or misplaced one is a typed 500 ciphertext_invalid, never garbage. */
export function openOrFail<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CiphertextInvalid) throw ciphertextInvalid();
    throw err;
  }
}

const CONVERSATION_COLUMNS = `id, subject_id AS "subjectId", site, status, retention_class AS "retentionClass", language, created_at AS "createdAt", closed_at AS "closedAt"`;

export async function createConversation(ctx: PrivacyCtx, input: { subjectId: string; site: string; retentionClass: string; language?: string }): Promise<Conversation> {
  await liveSubject(ctx, input.subjectId);
  const id = randomUUID();
  await ctx.tx.query(
    `INSERT INTO conversations (id, subject_id, site, status, retention_class, language, created_at, updated_at) VALUES ($1, $2, $3, 'open', $4, $5, $6, $6)`,
    [id, input.subjectId, input.site, input.retentionClass, input.language ?? null, ctx.now],
  );
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'conversation.create', subjectId: input.subjectId, resource: { type: 'Conversation', id }, requestId: ctx.requestId });
  return { id, subjectId: input.subjectId, site: input.site, status: 'open', retentionClass: input.retentionClass, language: input.language ?? null, createdAt: ctx.now, closedAt: null };
}

export async function findConversation(ctx: Pick<PrivacyCtx, 'tx'>, conversationId: string, lock = false): Promise<Conversation> {
  const [row] = (await ctx.tx.query(`SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [conversationId])) as Conversation[];
  if (!row) throw notFound('conversation');
  return row;
}

export async function closeConversation(ctx: PrivacyCtx, conversationId: string): Promise<void> {
  const c = await findConversation(ctx, conversationId, true);
  await ctx.tx.query(`UPDATE conversations SET status = 'closed', closed_at = COALESCE(closed_at, $2), updated_at = $2 WHERE id = $1`, [conversationId, ctx.now]);
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'conversation.close', subjectId: c.subjectId, resource: { type: 'Conversation', id: conversationId }, requestId: ctx.requestId });
}

/** Non-personal facts about a message (sources, notice code, feedback, the agent's staff id). */
export type MessageMeta = Record<string, unknown>;

/**
 * Stores a message encrypted, numbered by the conversation's counter (`seq`, the resume cursor):
 * the counter's row lock orders concurrent writers. With a clientId the first message stored under
 * it is answered instead of a second one (`duplicate: true`), so a retried send never doubles.
 */
export async function storeMessage(
  ctx: PrivacyCtx,
  input: { conversationId: string; role: MessageRole | 'system'; text: string; clientId?: string; meta?: MessageMeta; /** a streamed answer keeps the id it was announced under */ id?: string },
): Promise<{ id: string; seq: number; createdAt: Date; duplicate: boolean }> {
  // The row lock first: a concurrent send with the same clientId waits here, then finds the first one.
  const c = await findConversation(ctx, input.conversationId, true);
  if (input.clientId) {
    const [known] = (await ctx.tx.query(`SELECT id, seq, created_at AS "createdAt" FROM messages WHERE conversation_id = $1 AND client_id = $2`, [c.id, input.clientId])) as { id: string; seq: string; createdAt: Date }[];
    if (known) return { id: known.id, seq: Number(known.seq), createdAt: known.createdAt, duplicate: true };
  }
  const [counter] = returnedRows<{ last_seq: string }>(await ctx.tx.query(`UPDATE conversations SET last_seq = last_seq + 1, updated_at = $2 WHERE id = $1 RETURNING last_seq`, [c.id, ctx.now]));
  const seq = Number(counter!.last_seq);
  const key = await subjectKey(ctx, c.subjectId);
  const id = input.id ?? randomUUID();
  await ctx.tx.query(`INSERT INTO messages (id, conversation_id, subject_id, role, ciphertext, created_at, seq, client_id, meta) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, [
    id, c.id, c.subjectId, input.role, sealText(key, input.text, aad.message(id)), ctx.now, seq, input.clientId ?? null, JSON.stringify(input.meta ?? {}),
  ]);
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'message.store', subjectId: c.subjectId, resource: { type: 'Message', id }, requestId: ctx.requestId, details: { conversationId: c.id, role: input.role, seq } });
  return { id, seq, createdAt: ctx.now, duplicate: false };
}

/** A conversation's transcript, decrypted; reading it is itself an audited access. */
export async function readMessages(ctx: PrivacyCtx, conversationId: string, purpose = 'customer_support'): Promise<StoredMessage[]> {
  const c = await findConversation(ctx, conversationId);
  const key = await subjectKey(ctx, c.subjectId);
  const rows = (await ctx.tx.query(
    `SELECT id, conversation_id AS "conversationId", role, ciphertext, created_at AS "createdAt" FROM messages WHERE conversation_id = $1 ORDER BY created_at, id`,
    [conversationId],
  )) as (Omit<StoredMessage, 'text'> & { ciphertext: Buffer })[];
  const messages = rows.map(({ ciphertext, ...m }) => ({ ...m, text: openOrFail(() => openText(key, ciphertext, aad.message(m.id))) }));
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'transcript.read', subjectId: c.subjectId, resource: { type: 'Conversation', id: c.id }, purpose, requestId: ctx.requestId, details: { messages: messages.length } });
  return messages;
}

export async function storeAttachment(ctx: PrivacyCtx, input: { conversationId: string; messageId?: string; mime: string; content: Uint8Array }): Promise<{ id: string }> {
  const c = await findConversation(ctx, input.conversationId);
  const key = await subjectKey(ctx, c.subjectId);
  const id = randomUUID();
  await ctx.tx.query(
    `INSERT INTO attachments (id, conversation_id, message_id, subject_id, mime, size_bytes, ciphertext, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, c.id, input.messageId ?? null, c.subjectId, input.mime, input.content.length, seal(key, input.content, aad.attachment(id)), ctx.now],
  );
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'attachment.store', subjectId: c.subjectId, resource: { type: 'Attachment', id }, requestId: ctx.requestId, details: { conversationId: c.id, bytes: input.content.length } });
  return { id };
}

export async function readAttachment(ctx: PrivacyCtx, attachmentId: string): Promise<{ mime: string; content: Buffer }> {
  const [row] = (await ctx.tx.query(`SELECT subject_id AS "subjectId", mime, ciphertext FROM attachments WHERE id = $1`, [attachmentId])) as { subjectId: string; mime: string; ciphertext: Buffer }[];
  if (!row) throw notFound('attachment');
  const key = await subjectKey(ctx, row.subjectId);
  const content = openOrFail(() => open(key, row.ciphertext, aad.attachment(attachmentId)));
  await appendAudit(ctx.tx, { actor: ctx.actor, action: 'attachment.read', subjectId: row.subjectId, resource: { type: 'Attachment', id: attachmentId }, requestId: ctx.requestId, details: { bytes: content.length } });
  return { mime: row.mime, content };
}
