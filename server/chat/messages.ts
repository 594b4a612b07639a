// Reading a conversation the way the widget needs it: rows in seq order (the resume cursor) with
// their meta and attachments. Decrypting is an audited transcript read in the caller's transaction.
import { appendAudit } from '../audit/append.ts';
import { notFound } from '../errors.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { aad, openOrFail, storeMessage } from '../privacy/conversations.ts';
import { openText } from '../privacy/envelope.ts';
import { subjectKey } from '../privacy/subjectKeys.ts';
import type { Notice } from '../../protocol/widget.ts';
import { type ConversationRow, type MessageMeta, type MessageRow, NOTICE_TEXT } from './present.ts';
import { sentAttachments } from './store/attachments.ts';
import { findConversation } from './store/conversations.ts';
import { messagesAfter } from './store/messages.ts';

export async function loadConversation(
  ctx: Pick<PrivacyCtx, 'tx'>,
  conversationId: string,
  lock = false,
): Promise<ConversationRow> {
  const row = await findConversation(ctx.tx, conversationId, lock);
  if (!row) throw notFound('conversation');
  return row;
}

/** Messages with seq > after (all by default), decrypted, oldest first; an audited read. */
export async function readConversationMessages(
  ctx: PrivacyCtx,
  conversation: Pick<ConversationRow, 'id' | 'subjectId'>,
  opts: { after?: number; purpose?: string } = {},
): Promise<MessageRow[]> {
  const after = opts.after ?? 0;
  const rows = await messagesAfter(ctx.tx, conversation.id, after);
  if (rows.length === 0) return [];
  const key = await subjectKey(ctx, conversation.subjectId);
  const files = await sentAttachments(ctx.tx, conversation.id);
  const messages = rows.map(({ ciphertext, ...m }) => ({
    ...m,
    meta: (m.meta ?? {}) as MessageMeta,
    text: openOrFail(() => openText(key, ciphertext, aad.message(m.id))),
    attachments: files.filter((f) => f.messageId === m.id).map((f) => ({ id: f.id, mime: f.mime, size: f.size })),
  }));
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'transcript.read',
    subjectId: conversation.subjectId,
    resource: { type: 'Conversation', id: conversation.id },
    purpose: opts.purpose ?? 'customer_support',
    requestId: ctx.requestId,
    details: { messages: messages.length, after },
  });
  return messages;
}

export async function readMessage(
  ctx: PrivacyCtx,
  conversation: Pick<ConversationRow, 'id' | 'subjectId'>,
  seq: number,
): Promise<MessageRow> {
  const [m] = await readConversationMessages(ctx, conversation, { after: seq - 1 });
  if (!m || m.seq !== seq) throw notFound('message');
  return m;
}

/** Stores a message and answers it as the widget sees it (for the `message` event after commit). */
export async function storeAndRead(
  ctx: PrivacyCtx,
  conversation: Pick<ConversationRow, 'id' | 'subjectId'>,
  input: { role: MessageRow['role']; text: string; clientId?: string; meta?: MessageMeta; id?: string },
): Promise<{ message: MessageRow; duplicate: boolean }> {
  const stored = await storeMessage(ctx, {
    ...input,
    conversationId: conversation.id,
    meta: input.meta as Record<string, unknown> | undefined,
  });
  if (stored.duplicate) return { message: await readMessage(ctx, conversation, stored.seq), duplicate: true };
  return {
    message: {
      id: stored.id,
      seq: stored.seq,
      role: input.role,
      text: input.text,
      createdAt: stored.createdAt,
      clientId: input.clientId ?? null,
      meta: input.meta ?? {},
      attachments: [],
    },
    duplicate: false,
  };
}

/** A system notice: the English fallback as its text, the code in meta. */
export const storeNotice = (ctx: PrivacyCtx, conversation: Pick<ConversationRow, 'id' | 'subjectId'>, notice: Notice) =>
  storeAndRead(ctx, conversation, { role: 'system', text: NOTICE_TEXT[notice], meta: { notice } });
