// Follow-ups: conversations handed to people while the site was closed (policies/sites.yaml
// `officeHours`), waiting unclaimed. Whether a handoff was after hours is computed from its time and
// the site's hours, so nothing extra is stored; a site without hours has no follow-ups.
// Taking one is a claim decided by one conditional UPDATE: of two agents taking at once, one row
// changes and the other agent is told who was first.
import { appendAudit } from '../audit/append.ts';
import { notFound } from '../errors.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { type Agent, type AgentChange, alreadyClaimed, conversationClosed, notQueued } from './agent.ts';
import { storeAndRead } from './messages.ts';
import { officeStatus } from './officeHours.ts';
import { NOTICE_TEXT } from './present.ts';
import type { Site } from './sites.ts';
import { type AgentConversation, selectAgentConversation, selectUnclaimed, takeUnclaimed } from './store/agentQueue.ts';

/** True when the site has office hours and was closed at the moment of the handoff. */
export function leftOutsideHours(site: Site | undefined, handoffAt: Date | null): boolean {
  return !!site?.officeHours && handoffAt !== null && !officeStatus(site.officeHours, new Date(handoffAt)).open;
}

/** Unclaimed conversations handed off outside office hours, oldest first. Ids and codes, no text; the read is audited. */
export async function listFollowUps(props: {
  ctx: PrivacyCtx;
  sites: Map<string, Site>;
}): Promise<AgentConversation[]> {
  const { ctx, sites } = props;
  const rows = await selectUnclaimed(ctx.tx);
  const followUps = rows.filter((c) => leftOutsideHours(sites.get(c.site), c.handoffAt));
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'queue.read',
    resource: { type: 'Conversation' },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { conversations: followUps.length, list: 'follow_ups' },
  });
  return followUps;
}

/** Assigns a waiting conversation to the agent, audited as a claim; the visitor is told who joined. */
export async function takeFollowUp(props: {
  ctx: PrivacyCtx;
  conversationId: string;
  agent: Agent;
}): Promise<AgentChange> {
  const { ctx, agent, conversationId } = props;
  const won = await takeUnclaimed(ctx.tx, conversationId, agent.id, ctx.now);
  const c = await selectAgentConversation(ctx.tx, conversationId);
  if (!c) throw notFound('conversation');
  if (!won) {
    if (c.status === 'closed') throw conversationClosed();
    if (c.status !== 'handoff') throw notQueued();
    if (c.assignedTo === agent.id) return { conversation: c, messages: [] };
    throw alreadyClaimed();
  }
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'conversation.claim',
    subjectId: c.subjectId,
    resource: { type: 'Conversation', id: c.id },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { queue: c.queue, followUp: 1 },
  });
  const { message } = await storeAndRead(ctx, c, {
    role: 'system',
    text: NOTICE_TEXT.agent_joined,
    meta: { notice: 'agent_joined', agentId: agent.id, agentName: agent.name },
  });
  return { conversation: c, messages: [message] };
}
