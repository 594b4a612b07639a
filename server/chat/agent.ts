// What a staff agent does with a handed-off conversation (docs/widget-protocol.md, "Agent API"):
// each command runs in the caller's privacy transaction, audits itself there, and answers the
// stored messages so the route can publish them to the widget after commit.
//
// Who may touch a conversation: its assigned agent. Before anyone claims it, a queued conversation
// may be read, re-routed or closed by any agent (to decide whether to take it); reveal, reply and
// release need the claim. Admins follow the same rules: the role grants the API, not every transcript.
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { AuditEventInput } from '../audit/event.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { aad, closeConversation, openOrFail } from '../privacy/conversations.ts';
import { openText } from '../privacy/envelope.ts';
import { subjectKey } from '../privacy/subjectKeys.ts';
import { REVEAL_REASONS } from '../../protocol/agent.ts';
import type { Notice } from '../../protocol/widget.ts';
import { type MaskedText } from './masking.ts';
import { readConversationMessages, storeAndRead } from './messages.ts';
import { type MessageRow, NOTICE_TEXT } from './present.ts';
import {
  activeAgent,
  type AgentConversation,
  assignAgent,
  releaseToAi,
  requeue,
  selectAgentConversation,
  selectQueue,
  staffName,
} from './store/agentQueue.ts';
import { attachmentConversationId } from './store/attachments.ts';
import { setModeClosed } from './store/conversations.ts';
import { messageCiphertext } from './store/messages.ts';

export type { AgentConversation } from './store/agentQueue.ts';

/** The staff member acting, with the name the visitor sees. */
export interface Agent {
  id: string;
  name: string;
}

export interface AgentChange {
  conversation: AgentConversation;
  /** stored messages (notices, the reply) for the widget, in seq order */
  messages: MessageRow[];
}

const QUEUE_NAME = z.string().regex(/^[a-z0-9_-]{1,64}$/);

export const QueueFilter = z.strictObject({
  site: z.string().max(64).optional(),
  language: z.string().max(35).optional(),
  skill: QUEUE_NAME.optional(),
});
export type QueueFilter = z.infer<typeof QueueFilter>;

export { REVEAL_REASONS };
export const RevealRequest = z.strictObject({
  reason: z.enum(REVEAL_REASONS),
  // The note goes on the audit record, so it is held to the audit's no-personal-data rule here (a 400, not a 500).
  note: AuditEventInput.shape.reason.unwrap().max(200).optional(),
});
export type RevealRequest = z.infer<typeof RevealRequest>;

export const AgentReply = z.strictObject({
  clientId: z.uuid(),
  text: z.string().trim().min(1).max(4000),
});
export type AgentReply = z.infer<typeof AgentReply>;

export const Transfer = z
  .strictObject({ queue: QUEUE_NAME.optional(), agentId: z.uuid().optional() })
  .refine((t) => (t.queue === undefined) !== (t.agentId === undefined), {
    message: 'name exactly one of queue or agentId',
  });
export type Transfer = z.infer<typeof Transfer>;

export const alreadyClaimed = () => conflict('already_claimed', 'Another agent has claimed this conversation.');
export const notAssigned = () =>
  new AppError(403, 'not_assigned', 'This conversation is not assigned to you; claim it first.');
export const notQueued = () => conflict('not_queued', 'This conversation is not waiting for a person.');
export const conversationClosed = () => conflict('conversation_closed', 'This conversation is closed.');
export const unknownAgent = () => new AppError(404, 'unknown_agent', 'No active agent with that id.');

async function load(ctx: Pick<PrivacyCtx, 'tx'>, conversationId: string, lock = false): Promise<AgentConversation> {
  const row = await selectAgentConversation(ctx.tx, conversationId, lock);
  if (!row) throw notFound('conversation');
  return row;
}

/** The conversation's row (ids and codes, no text): for checks outside a privacy transaction. */
export { load as loadForAgent };

const unclaimedInQueue = (c: AgentConversation) =>
  c.status === 'handoff' && c.mode === 'queued' && c.assignedTo === null;

/** Read, re-route or close: the assigned agent, or anyone while it waits unclaimed. */
export function assertMayView(c: AgentConversation, agentId: string): void {
  if (c.assignedTo !== agentId && !unclaimedInQueue(c)) throw notAssigned();
}

/** Reveal, reply, release: only the agent holding it, while the conversation is live. */
export function assertHolds(c: AgentConversation, agentId: string): void {
  if (c.status === 'closed') throw conversationClosed();
  if (c.mode !== 'agent' || c.assignedTo !== agentId) throw notAssigned();
}

const audit = (
  ctx: PrivacyCtx,
  c: AgentConversation,
  action: string,
  details: Record<string, string | number | null> = {},
) =>
  appendAudit(ctx.tx, {
    actor: ctx.actor,
    action,
    subjectId: c.subjectId,
    resource: { type: 'Conversation', id: c.id },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details,
  });

const notice = async (ctx: PrivacyCtx, c: AgentConversation, code: Notice, agent?: Agent) =>
  (
    await storeAndRead(ctx, c, {
      role: 'system',
      text: NOTICE_TEXT[code],
      meta: agent ? { notice: code, agentId: agent.id, agentName: agent.name } : { notice: code },
    })
  ).message;

export async function agentOf(ctx: Pick<PrivacyCtx, 'tx'>, staffId: string): Promise<Agent> {
  const name = await staffName(ctx.tx, staffId);
  if (name === undefined) throw notFound('staff user');
  return { id: staffId, name };
}

/** Conversations waiting for (or with) a person, oldest handoff first. Ids and codes only, no text. */
export async function listQueue(props: { ctx: PrivacyCtx; filter: QueueFilter }): Promise<AgentConversation[]> {
  const { ctx, filter } = props;
  const rows = await selectQueue(ctx.tx, {
    site: filter.site ?? null,
    language: filter.language ?? null,
    queue: filter.skill ?? null,
  });
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'queue.read',
    resource: { type: 'Conversation' },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { conversations: rows.length },
  });
  return rows;
}

export async function claim(props: { ctx: PrivacyCtx; conversationId: string; agent: Agent }): Promise<AgentChange> {
  const { ctx, agent } = props;
  // The row lock makes two agents' claims take turns: the second sees the first one's name.
  const c = await load(ctx, props.conversationId, true);
  if (c.status === 'closed') throw conversationClosed();
  if (c.status !== 'handoff') throw notQueued();
  if (c.assignedTo === agent.id && c.mode === 'agent') return { conversation: c, messages: [] };
  if (c.assignedTo !== null) throw alreadyClaimed();
  await assignAgent(ctx.tx, c.id, agent.id, ctx.now);
  await audit(ctx, c, 'conversation.claim', { queue: c.queue });
  const joined = await notice(ctx, c, 'agent_joined', agent);
  return { conversation: await load(ctx, c.id), messages: [joined] };
}

/** The decrypted transcript (an audited read); the caller masks it before it leaves the server. */
export async function readTranscript(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  agent: Agent;
}): Promise<{ conversation: AgentConversation; messages: MessageRow[] }> {
  const c = await load(props.ctx, props.conversationId);
  assertMayView(c, props.agent.id);
  return { conversation: c, messages: await readConversationMessages(props.ctx, c, { purpose: 'customer_support' }) };
}

/** One message in clear, for a stated reason; audited with the count of personal values it holds. */
export async function reveal(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  messageId: string;
  agent: Agent;
  request: RevealRequest;
  mask: (text: string, lang: string | null) => Promise<MaskedText>;
}): Promise<{ text: string }> {
  const { ctx, request } = props;
  const c = await load(ctx, props.conversationId);
  assertHolds(c, props.agent.id);
  const ciphertext = await messageCiphertext(ctx.tx, props.messageId, c.id);
  if (!ciphertext) throw notFound('message');
  const key = await subjectKey(ctx, c.subjectId);
  const text = openOrFail(() => openText(key, ciphertext, aad.message(props.messageId)));
  const { entities } = await props.mask(text, c.language);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'pii.reveal',
    subjectId: c.subjectId,
    resource: { type: 'Message', id: props.messageId },
    purpose: 'customer_support',
    reason: request.note ? `${request.reason}: ${request.note}` : request.reason,
    requestId: ctx.requestId,
    details: { conversationId: c.id, messageId: props.messageId, reason: request.reason, entityCount: entities },
  });
  return { text };
}

/** A retried send (same clientId) answers the first message and stores nothing, so nothing is published. */
export async function reply(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  agent: Agent;
  input: AgentReply;
}): Promise<AgentChange & { message: MessageRow; duplicate: boolean }> {
  const { ctx, agent, input } = props;
  // Locked: a transfer or close committing meanwhile cannot let a reply from the former holder in.
  const c = await load(ctx, props.conversationId, true);
  assertHolds(c, agent.id);
  const { message, duplicate } = await storeAndRead(ctx, c, {
    role: 'agent',
    text: input.text,
    clientId: input.clientId,
    meta: { agentId: agent.id, agentName: agent.name },
  });
  return { conversation: c, messages: duplicate ? [] : [message], message, duplicate };
}

export async function transfer(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  agent: Agent;
  to: Transfer;
}): Promise<AgentChange> {
  const { ctx, agent, to } = props;
  const c = await load(ctx, props.conversationId, true);
  if (c.status === 'closed') throw conversationClosed();
  if (c.status !== 'handoff') throw notQueued();
  assertMayView(c, agent.id);
  if (to.agentId) {
    const target = await activeAgent(ctx.tx, to.agentId);
    if (!target) throw unknownAgent();
    await assignAgent(ctx.tx, c.id, target.id, ctx.now);
    await audit(ctx, c, 'conversation.transfer', { toAgent: target.id, queue: c.queue });
    return { conversation: await load(ctx, c.id), messages: [await notice(ctx, c, 'transferred', target)] };
  }
  await requeue(ctx.tx, c.id, to.queue, ctx.now);
  await audit(ctx, c, 'conversation.transfer', { toQueue: to.queue ?? null, queue: c.queue });
  return { conversation: await load(ctx, c.id), messages: [await notice(ctx, c, 'transferred')] };
}

/** Back to the AI: the visitor's next message is answered by the assistant again (if consent allows). */
export async function release(props: { ctx: PrivacyCtx; conversationId: string; agent: Agent }): Promise<AgentChange> {
  const { ctx } = props;
  const c = await load(ctx, props.conversationId, true);
  assertHolds(c, props.agent.id);
  await releaseToAi(ctx.tx, c.id, ctx.now);
  await audit(ctx, c, 'conversation.release', { queue: c.queue });
  const released = await notice(ctx, c, 'released');
  return { conversation: await load(ctx, c.id), messages: [released] };
}

export async function close(props: { ctx: PrivacyCtx; conversationId: string; agent: Agent }): Promise<AgentChange> {
  const { ctx } = props;
  const c = await load(ctx, props.conversationId, true);
  if (c.status === 'closed') throw conversationClosed();
  if (c.status !== 'handoff') throw notQueued();
  assertMayView(c, props.agent.id);
  // The notice first, so it is the last message of the conversation; closeConversation audits the close.
  const closed = await notice(ctx, c, 'closed');
  await closeConversation(ctx, c.id);
  await setModeClosed(ctx.tx, c.id);
  return { conversation: await load(ctx, c.id), messages: [closed] };
}

/** The conversation an attachment belongs to, so the route can check access before the audited read. */
export async function attachmentConversation(
  ctx: Pick<PrivacyCtx, 'tx'>,
  attachmentId: string,
): Promise<AgentConversation> {
  const conversationId = await attachmentConversationId(ctx.tx, attachmentId);
  if (!conversationId) throw notFound('attachment');
  return load(ctx, conversationId);
}
