// Auto-assignment (policies/sites.yaml `autoAssign`): a fresh handoff goes to an available agent with
// spare capacity, the least loaded first; with none, it stays in the queue to be claimed. Available
// means both: the console is open on any node (staff_presence, fresh within PRESENCE_TTL_MS) and the
// agent has set 'available' (agent_presence; no row is 'away', as the console shows it). Runs in the
// handoff's transaction: a rolled-back handoff assigns nobody.
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { PRESENCE_TTL_MS } from '../staff/presence.ts';
import type { Agent } from './agent.ts';
import { storeAndRead } from './messages.ts';
import { type ConversationRow, type MessageRow, NOTICE_TEXT } from './present.ts';
import type { Site } from './sites.ts';
import { assignIfUnassigned, lockedAgentLoad, selectAvailableAgentLoads } from './store/workload.ts';

export interface AgentLoad extends Agent {
  /** conversations the agent holds now, all sites together */
  load: number;
}

/**
 * The agents that may take one more conversation, in the order to try them.
 * Guarantees: nobody at or over `maxConcurrent` is listed; fewer held comes first, ties by id so the
 * order is the same on every run.
 */
export function assignOrder(agents: AgentLoad[], maxConcurrent: number): AgentLoad[] {
  return agents
    .filter((a) => a.load < maxConcurrent)
    .sort((a, b) => a.load - b.load || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Assigns the queued conversation when the site asks for it and someone has room; answers the agent_joined notice, or null. */
export async function autoAssign(props: {
  ctx: PrivacyCtx;
  conversation: ConversationRow;
  site: Site | undefined;
}): Promise<MessageRow | null> {
  const { ctx, conversation, site } = props;
  if (!site?.autoAssign.enabled) return null;
  const { maxConcurrent } = site.autoAssign;
  const loads = await selectAvailableAgentLoads(ctx.tx, new Date(ctx.now.getTime() - PRESENCE_TTL_MS));
  for (const candidate of assignOrder(loads, maxConcurrent)) {
    // The agent's row lock makes two handoffs choosing the same agent count one after the other.
    const load = await lockedAgentLoad(ctx.tx, candidate.id);
    if (load === undefined || load >= maxConcurrent) continue;
    await assignIfUnassigned(ctx.tx, conversation.id, candidate.id, ctx.now);
    await appendAudit(ctx.tx, {
      actor: ctx.actor,
      action: 'conversation.assign',
      subjectId: conversation.subjectId,
      resource: { type: 'Conversation', id: conversation.id },
      purpose: 'customer_support',
      requestId: ctx.requestId,
      details: { toAgent: candidate.id, queue: conversation.queue, load },
    });
    const { message } = await storeAndRead(ctx, conversation, {
      role: 'system',
      text: NOTICE_TEXT.agent_joined,
      meta: { notice: 'agent_joined', agentId: candidate.id, agentName: candidate.name },
    });
    return message;
  }
  return null;
}
