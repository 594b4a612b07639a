// What an agent sees beside a conversation: its context (site, language, consents in force, whether
// the visitor's identity was verified, how many other conversations they had, office hours) and the
// visitor's latest question for knowledge suggestions. Codes and counts only in the context; the
// question leaves this file only redacted. Each read is audited in the caller's transaction.
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { aad, openOrFail } from '../privacy/conversations.ts';
import { openText } from '../privacy/envelope.ts';
import { subjectKey } from '../privacy/subjectKeys.ts';
import type { OfficeStatus } from './officeHours.ts';
import { type Agent, assertMayView, loadForAgent } from './agent.ts';
import { consentsInForce } from './consent.ts';
import { subjectHistory } from './store/conversations.ts';
import { latestVisitorMessage } from './store/messages.ts';
import type { ConversationContext } from '../../protocol/agent.ts';

export async function readContext(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  agent: Agent;
  officeHours: (site: string) => OfficeStatus;
  siteName: (site: string) => string;
}): Promise<ConversationContext> {
  const { ctx } = props;
  const c = await loadForAgent(ctx, props.conversationId);
  assertMayView(c, props.agent.id);
  // consentsInForce audits its own consent.read.
  const { ai_local, ai_cloud, transcript_keep, voice_input } = await consentsInForce(ctx, c.subjectId);
  const { verified, earlier } = await subjectHistory(ctx.tx, c.subjectId, c.id);
  const identity = verified > 0 ? 'verified' : 'anonymous';
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'conversation.context_read',
    subjectId: c.subjectId,
    resource: { type: 'Conversation', id: c.id },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { identity, earlierConversations: earlier },
  });
  return {
    site: c.site,
    siteName: props.siteName(c.site),
    language: c.language,
    consents: { ai_local, ai_cloud, transcript_keep, voice_input },
    identity,
    earlierConversations: earlier,
    officeHours: props.officeHours(c.site),
  };
}

/** The visitor's latest message in clear, for the caller to redact before it searches (an audited read). */
export async function latestQuestion(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  agent: Agent;
}): Promise<{ text: string; language: string | null; messageId: string } | null> {
  const { ctx } = props;
  const c = await loadForAgent(ctx, props.conversationId);
  assertMayView(c, props.agent.id);
  const row = await latestVisitorMessage(ctx.tx, c.id);
  if (!row) return null;
  const key = await subjectKey(ctx, c.subjectId);
  const text = openOrFail(() => openText(key, row.ciphertext, aad.message(row.id)));
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'knowledge.suggest',
    subjectId: c.subjectId,
    resource: { type: 'Message', id: row.id },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { conversationId: c.id },
  });
  return { text, language: c.language, messageId: row.id };
}
