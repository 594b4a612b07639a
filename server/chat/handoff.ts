// Moving a conversation from the AI to the people's queue. Runs inside the caller's transaction; the
// caller publishes the `state` and `message` events after commit (a rolled-back handoff tells nobody).
import { HANDOFF_REASONS } from '../../protocol/supervisor.ts';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { loadConversation, storeAndRead } from './messages.ts';
import { type ConversationRow, type MessageRow, NOTICE_TEXT } from './present.ts';
import { markHandoff } from './store/conversations.ts';

export type { ConversationRow } from './present.ts';
/** The system message telling the visitor they are queued (or that nobody is in). */
export type StoredNotice = MessageRow;

export { HANDOFF_REASONS };
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

/** English fallback; the widget shows its own translation of the notice code. */
const outsideHoursText = (nextOpen: string | null | undefined) =>
  nextOpen
    ? `Our team is away now; we will answer from ${nextOpen}. You can leave a message.`
    : NOTICE_TEXT.outside_hours;

export async function handOff(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  reason: HandoffReason;
  queue: string;
  language: string | null;
  openNow: boolean;
  /** officeStatus().nextOpen, for the fallback text when closed */
  nextOpen?: string | null;
}): Promise<{ changed: boolean; conversation: ConversationRow; notice: StoredNotice | null }> {
  const { ctx, conversationId, reason, queue, language, openNow } = props;
  const before = await loadConversation(ctx, conversationId, true);
  // Already waiting for (or with) a person, or finished: a second handoff changes nothing.
  if (before.status !== 'open') return { changed: false, conversation: before, notice: null };
  await markHandoff(ctx.tx, { conversationId, queue, reason, now: ctx.now, language });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'conversation.handoff',
    subjectId: before.subjectId,
    resource: { type: 'Conversation', id: conversationId },
    requestId: ctx.requestId,
    details: { reason, queue },
  });
  const { message } = await storeAndRead(
    ctx,
    before,
    openNow
      ? { role: 'system', text: NOTICE_TEXT.queued, meta: { notice: 'queued' } }
      : { role: 'system', text: outsideHoursText(props.nextOpen), meta: { notice: 'outside_hours' } },
  );
  return { changed: true, conversation: await loadConversation(ctx, conversationId), notice: message };
}
