// The agent's workload: presence as the agent sets it (available / away), the agents a conversation
// may be transferred to with their load, and the agent's own open conversations with the count of
// visitor messages they have not read yet. Ids, names of staff, codes and counts: no visitor data.
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import type { AgentConversation } from './store/agentQueue.ts';
import {
  selectAgentsOnDuty,
  selectOwnConversations,
  selectPresence,
  upsertPresence,
  upsertRead,
} from './store/workload.ts';
import { type AgentOnDuty, PRESENCE, type Presence } from '../../protocol/agent.ts';

export const SetPresence = z.strictObject({ status: z.enum(PRESENCE) });
export type SetPresence = z.infer<typeof SetPresence>;

type Tx = Pick<PrivacyCtx, 'tx'>;

/** Staff who may take a conversation (agents and admins, not disabled): available first, then by load and name. */
export async function listAgents(ctx: Tx): Promise<AgentOnDuty[]> {
  return await selectAgentsOnDuty(ctx.tx);
}

export async function presenceOf(ctx: Tx, staffId: string): Promise<Presence> {
  return (await selectPresence(ctx.tx, staffId)) ?? 'away';
}

export async function setPresence(ctx: PrivacyCtx, staffId: string, status: Presence): Promise<Presence> {
  await upsertPresence(ctx.tx, staffId, status, ctx.now);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'agent.presence',
    resource: { type: 'StaffUser', id: staffId },
    requestId: ctx.requestId,
    details: { status },
  });
  return status;
}

/** The agent has read the conversation up to `seq` (never moves back). */
export async function markRead(ctx: Tx, staffId: string, conversationId: string, seq: number): Promise<void> {
  await upsertRead(ctx.tx, staffId, conversationId, seq);
}

/** The conversations the agent holds, oldest handoff first, each with its unread visitor messages. */
export async function ownConversations(
  ctx: PrivacyCtx,
  staffId: string,
): Promise<(AgentConversation & { unread: number })[]> {
  const rows = await selectOwnConversations(ctx.tx, staffId);
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'queue.read',
    resource: { type: 'Conversation' },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { conversations: rows.length, own: 1 },
  });
  return rows;
}
