// Conversations, their messages and attachments, stored encrypted under the subject's data key.
// Every write and every read of the content is an audit event in the same transaction.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/append.ts';
import { notFound } from '../errors.ts';
import type { PrivacyCtx } from './context.ts';
import { CiphertextInvalid, open, openText, seal, sealText } from './envelope.ts';
import { ciphertextInvalid } from './errors.ts';
import { type Conversation, conversationStore, MESSAGE_ROLES, type MessageRole } from './store/conversations.ts';
import { subjectKey } from './subjectKeys.ts';
import { liveSubject } from './subjects.ts';

export { MESSAGE_ROLES, type MessageRole };

export type { Conversation };

export interface StoredMessage {
  id: string;
  conversationId: string;
  role: MessageRole;
  text: string;
  createdAt: Date;
}

export const aad = {
  message: (id: string) => `message:${id}`,
  /** a piece of an answer still streaming (chat/streaming.ts) */
  reply: (id: string) => `reply:${id}`,
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

export async function createConversation(
  ctx: PrivacyCtx,
  input: { subjectId: string; site: string; retentionClass: string; language?: string },
): Promise<Conversation> {
  await liveSubject(ctx, input.subjectId);
  const id = randomUUID();
  await conversationStore.insert(ctx.tx, {
    id,
    subjectId: input.subjectId,
    site: input.site,
    retentionClass: input.retentionClass,
    language: input.language ?? null,
    now: ctx.now,
  });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'conversation.create',
    subjectId: input.subjectId,
    resource: { type: 'Conversation', id },
    requestId: ctx.requestId,
  });
  return {
    id,
    subjectId: input.subjectId,
    site: input.site,
    status: 'open',
    retentionClass: input.retentionClass,
    language: input.language ?? null,
    createdAt: ctx.now,
    closedAt: null,
  };
}

export async function findConversation(
  ctx: Pick<PrivacyCtx, 'tx'>,
  conversationId: string,
  lock = false,
): Promise<Conversation> {
  const row = await conversationStore.find(ctx.tx, conversationId, lock);
  if (!row) throw notFound('conversation');
  return row;
}

export async function closeConversation(ctx: PrivacyCtx, conversationId: string): Promise<void> {
  const c = await findConversation(ctx, conversationId, true);
  await conversationStore.close(ctx.tx, conversationId, ctx.now);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'conversation.close',
    subjectId: c.subjectId,
    resource: { type: 'Conversation', id: conversationId },
    requestId: ctx.requestId,
  });
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
  input: {
    conversationId: string;
    role: MessageRole | 'system';
    text: string;
    clientId?: string;
    meta?: MessageMeta;
    /** a streamed answer keeps the id it was announced under */ id?: string;
  },
): Promise<{ id: string; seq: number; createdAt: Date; duplicate: boolean }> {
  // The row lock first: a concurrent send with the same clientId waits here, then finds the first one.
  const c = await findConversation(ctx, input.conversationId, true);
  if (input.clientId) {
    const known = await conversationStore.messageByClientId(ctx.tx, c.id, input.clientId);
    if (known) return { ...known, duplicate: true };
  }
  const seq = await conversationStore.nextSeq(ctx.tx, c.id, ctx.now);
  const key = await subjectKey(ctx, c.subjectId);
  const id = input.id ?? randomUUID();
  await conversationStore.insertMessage(ctx.tx, {
    id,
    conversationId: c.id,
    subjectId: c.subjectId,
    role: input.role,
    ciphertext: sealText(key, input.text, aad.message(id)),
    now: ctx.now,
    seq,
    clientId: input.clientId ?? null,
    meta: JSON.stringify(input.meta ?? {}),
  });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'message.store',
    subjectId: c.subjectId,
    resource: { type: 'Message', id },
    requestId: ctx.requestId,
    details: { conversationId: c.id, role: input.role, seq },
  });
  return { id, seq, createdAt: ctx.now, duplicate: false };
}

/** A conversation's transcript, decrypted; reading it is itself an audited access. */
export async function readMessages(
  ctx: PrivacyCtx,
  conversationId: string,
  purpose = 'customer_support',
): Promise<StoredMessage[]> {
  const c = await findConversation(ctx, conversationId);
  const key = await subjectKey(ctx, c.subjectId);
  const rows = await conversationStore.messages(ctx.tx, conversationId);
  const messages = rows.map(({ ciphertext, ...m }) => ({
    ...m,
    text: openOrFail(() => openText(key, ciphertext, aad.message(m.id))),
  }));
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'transcript.read',
    subjectId: c.subjectId,
    resource: { type: 'Conversation', id: c.id },
    purpose,
    requestId: ctx.requestId,
    details: { messages: messages.length },
  });
  return messages;
}

export async function storeAttachment(
  ctx: PrivacyCtx,
  input: { conversationId: string; messageId?: string; mime: string; content: Uint8Array },
): Promise<{ id: string }> {
  const c = await findConversation(ctx, input.conversationId);
  const key = await subjectKey(ctx, c.subjectId);
  const id = randomUUID();
  await conversationStore.insertAttachment(ctx.tx, {
    id,
    conversationId: c.id,
    messageId: input.messageId ?? null,
    subjectId: c.subjectId,
    mime: input.mime,
    size: input.content.length,
    ciphertext: seal(key, input.content, aad.attachment(id)),
    now: ctx.now,
  });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'attachment.store',
    subjectId: c.subjectId,
    resource: { type: 'Attachment', id },
    requestId: ctx.requestId,
    details: { conversationId: c.id, bytes: input.content.length },
  });
  return { id };
}

export async function readAttachment(
  ctx: PrivacyCtx,
  attachmentId: string,
): Promise<{ mime: string; content: Buffer }> {
  const row = await conversationStore.attachment(ctx.tx, attachmentId);
  if (!row) throw notFound('attachment');
  const key = await subjectKey(ctx, row.subjectId);
  const content = openOrFail(() => open(key, row.ciphertext, aad.attachment(attachmentId)));
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'attachment.read',
    subjectId: row.subjectId,
    resource: { type: 'Attachment', id: attachmentId },
    requestId: ctx.requestId,
    details: { bytes: content.length },
  });
  return { mime: row.mime, content };
}
