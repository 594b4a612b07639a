// What a visitor can do to their conversation besides sending: ask for a person, judge an answer,
// close, rate, export everything about themselves, have it erased. Each runs in one transaction and
// publishes after commit.
import { appendAudit } from '../audit/append.ts';
import { AppError, notFound } from '../errors.ts';
import { closeConversation } from '../privacy/conversations.ts';
import { runErasureJob, startErasure } from '../privacy/erasure.ts';
import { keyStoreOf } from '../privacy/deps.ts';
import { legalHoldActive } from '../privacy/errors.ts';
import { exportSubject, type SubjectExport } from '../privacy/export.ts';
import { retentionPolicyOf } from '../privacy/jobs.ts';
import { subjectUnderHold } from '../privacy/legalHolds.ts';
import { createRequest, getRequest, transitionRequest } from '../privacy/requests.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import { publishStaffEvent } from '../staff/live.ts';
import { chatTransaction, conversationView, handOffIn, publishHandoff, publishMessages } from './env.ts';
import type { ConversationView, MessageView } from '../../protocol/widget.ts';
import { loadConversation, readMessage, storeNotice } from './messages.ts';
import { presentMessage } from './present.ts';
import type { ChatService, Visitor } from './service.ts';
import { countNotHelpful, setModeClosed, setRating } from './store/conversations.ts';
import { assistantMessage, hasAnswer, setFeedback } from './store/messages.ts';

const actorOf = (v: Visitor) => ({ type: 'visitor' as const, id: v.subjectId });
export const nothingToRate = () =>
  new AppError(409, 'nothing_to_rate', 'A conversation can be rated once it has had an answer.');

export async function requestHandoff(
  service: ChatService,
  visitor: Visitor,
  requestId?: string,
): Promise<ConversationView> {
  const outcome = await chatTransaction(
    service,
    actorOf(visitor),
    'chat.handoff',
    async (ctx) => {
      const c = await loadConversation(ctx, visitor.conversationId, true);
      if (c.status === 'closed')
        throw new AppError(409, 'conversation_closed', 'This conversation is closed; start a new one.');
      return handOffIn(service, ctx, c, 'visitor_request');
    },
    requestId,
  );
  publishHandoff(service, outcome);
  return conversationView(service, outcome.conversation);
}

/** "Helpful?" on an AI answer; the site's notHelpfulHandoff-th "no" in a conversation hands it to a person. */
export async function giveFeedback(
  service: ChatService,
  visitor: Visitor,
  messageId: string,
  helpful: boolean,
  requestId?: string,
): Promise<MessageView> {
  const result = await chatTransaction(
    service,
    actorOf(visitor),
    'message.feedback',
    async (ctx) => {
      const c = await loadConversation(ctx, visitor.conversationId, true);
      const row = await assistantMessage(ctx.tx, messageId, c.id);
      if (!row) throw notFound('message');
      await setFeedback(ctx.tx, messageId, helpful);
      const counts = !helpful && row.before !== false;
      if (counts) await countNotHelpful(ctx.tx, c.id, ctx.now);
      await appendAudit(ctx.tx, {
        actor: ctx.actor,
        action: 'message.feedback',
        subjectId: c.subjectId,
        resource: { type: 'Message', id: messageId },
        requestId: ctx.requestId,
        details: { helpful },
      });
      const threshold = visitor.siteConfig.notHelpfulHandoff;
      const handoff =
        counts && c.notHelpful + 1 >= threshold && c.status === 'open'
          ? await handOffIn(service, ctx, await loadConversation(ctx, c.id), 'not_helpful')
          : null;
      return { message: await readMessage(ctx, c, row.seq), handoff };
    },
    requestId,
  );
  if (result.handoff) publishHandoff(service, result.handoff);
  return presentMessage(result.message);
}

export async function closeByVisitor(
  service: ChatService,
  visitor: Visitor,
  requestId?: string,
): Promise<ConversationView> {
  const result = await chatTransaction(
    service,
    actorOf(visitor),
    'conversation.close',
    async (ctx) => {
      const c = await loadConversation(ctx, visitor.conversationId, true);
      if (c.status === 'closed') return { conversation: c, notice: null, wasQueued: false };
      await closeConversation(ctx, c.id);
      await setModeClosed(ctx.tx, c.id);
      const { message } = await storeNotice(ctx, c, 'closed');
      return { conversation: await loadConversation(ctx, c.id), notice: message, wasQueued: c.status === 'handoff' };
    },
    requestId,
  );
  if (result.notice) {
    publishMessages(service, visitor.conversationId, [result.notice]);
    service.hub.publish(visitor.conversationId, {
      type: 'state',
      conversation: conversationView(service, result.conversation),
    });
  }
  if (result.wasQueued) publishStaffEvent(service.deps, { type: 'queue.changed', id: visitor.conversationId });
  return conversationView(service, result.conversation);
}

/** 1..5, once the conversation has had at least one answer (AI or person); a later rating replaces it. */
export async function rate(
  service: ChatService,
  visitor: Visitor,
  score: number,
  requestId?: string,
): Promise<ConversationView> {
  const c = await chatTransaction(
    service,
    actorOf(visitor),
    'conversation.rate',
    async (ctx) => {
      const conversation = await loadConversation(ctx, visitor.conversationId, true);
      if (!(await hasAnswer(ctx.tx, conversation.id))) throw nothingToRate();
      await setRating(ctx.tx, conversation.id, score, ctx.now);
      await appendAudit(ctx.tx, {
        actor: ctx.actor,
        action: 'conversation.rate',
        subjectId: conversation.subjectId,
        resource: { type: 'Conversation', id: conversation.id },
        requestId: ctx.requestId,
        details: { score },
      });
      return loadConversation(ctx, conversation.id);
    },
    requestId,
  );
  return conversationView(service, c);
}

export const exportVisitor = (service: ChatService, visitor: Visitor, requestId?: string): Promise<SubjectExport> =>
  chatTransaction(
    service,
    actorOf(visitor),
    'subject.export',
    (ctx) => exportSubject(ctx, visitor.subjectId),
    requestId,
  );

/**
 * An erasure request from the widget (channel 'widget'): the token proves the visitor is the
 * subject, so it is carried out at once. Under a legal hold the request stays `received` for a
 * compliance officer and the visitor gets 409 legal_hold (the refusal is on the audit record).
 */
export async function eraseVisitor(
  service: ChatService,
  visitor: Visitor,
  requestId?: string,
): Promise<{ id: string; state: string }> {
  const { deps } = service;
  const actor = actorOf(visitor);
  const policy = retentionPolicyOf(deps);
  const request = await chatTransaction(
    service,
    actor,
    'dsr.create',
    (ctx) => createRequest(ctx, policy, { subjectId: visitor.subjectId, type: 'erasure', channel: 'widget' }),
    requestId,
  );
  const jobId = await privacyTransaction(
    deps,
    { actor, requestId, action: 'dsr.execute', subjectId: visitor.subjectId },
    async (ctx) => {
      if (await subjectUnderHold(ctx, visitor.subjectId)) throw legalHoldActive();
      await transitionRequest(ctx, request.id, { to: 'identity_verified' });
      await transitionRequest(ctx, request.id, { to: 'in_progress' });
      return startErasure(ctx, visitor.subjectId, request.id);
    },
  );
  await runErasureJob({ dataSource: deps.db.dataSource, now: deps.now, keyStore: keyStoreOf(deps) }, jobId);
  service.hub.publish(visitor.conversationId, {
    type: 'error',
    error: { id: 'subject_erased', message: 'Everything about you has been erased.' },
  });
  const done = await deps.db.dataSource.transaction((tx) => getRequest({ tx }, request.id));
  return { id: done.id, state: done.state };
}
