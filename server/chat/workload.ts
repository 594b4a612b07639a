// The agent's workload: presence as the agent sets it (available / away), the agents a conversation
// may be transferred to with their load, and the agent's own open conversations with the count of
// visitor messages they have not read yet. Ids, names of staff, codes and counts: no visitor data.
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { type AgentConversation, agentColumns } from './agent.ts';
import { type AgentOnDuty, PRESENCE, type Presence } from '../../protocol/agent.ts';

export const SetPresence = z.strictObject({ status: z.enum(PRESENCE) });
export type SetPresence = z.infer<typeof SetPresence>;

type Tx = Pick<PrivacyCtx, 'tx'>;

/** Staff who may take a conversation (agents and admins, not disabled): available first, then by load and name. */
export async function listAgents(ctx: Tx): Promise<AgentOnDuty[]> {
  const rows = (await ctx.tx.query(
    `SELECT s.id, s.display_name AS name, coalesce(p.status, 'away') AS presence,
            (SELECT count(*)::int FROM conversations c WHERE c.assigned_to = s.id AND c.status = 'handoff') AS active
       FROM staff_users s LEFT JOIN agent_presence p ON p.staff_id = s.id
      WHERE s.role IN ('agent', 'admin') AND s.disabled_at IS NULL
      ORDER BY coalesce(p.status, 'away') = 'available' DESC, 4, s.display_name, s.id LIMIT 500`,
  )) as AgentOnDuty[];
  return rows.map((r) => ({ ...r, active: Number(r.active) }));
}

export async function presenceOf(ctx: Tx, staffId: string): Promise<Presence> {
  const [row] = (await ctx.tx.query(`SELECT status FROM agent_presence WHERE staff_id = $1`, [staffId])) as {
    status: Presence;
  }[];
  return row?.status ?? 'away';
}

export async function setPresence(ctx: PrivacyCtx, staffId: string, status: Presence): Promise<Presence> {
  await ctx.tx.query(
    `INSERT INTO agent_presence (staff_id, status, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (staff_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
    [staffId, status, ctx.now],
  );
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
  await ctx.tx.query(
    `INSERT INTO agent_reads (staff_id, conversation_id, seq) VALUES ($1, $2, $3)
     ON CONFLICT (staff_id, conversation_id) DO UPDATE SET seq = GREATEST(agent_reads.seq, EXCLUDED.seq)`,
    [staffId, conversationId, seq],
  );
}

/** The conversations the agent holds, oldest handoff first, each with its unread visitor messages. */
export async function ownConversations(
  ctx: PrivacyCtx,
  staffId: string,
): Promise<(AgentConversation & { unread: number })[]> {
  const rows = (await ctx.tx.query(
    `SELECT ${agentColumns('c')},
            (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.role = 'visitor' AND m.seq > coalesce(r.seq, 0)) AS unread
       FROM conversations c LEFT JOIN agent_reads r ON r.conversation_id = c.id AND r.staff_id = $1
      WHERE c.status = 'handoff' AND c.mode = 'agent' AND c.assigned_to = $1
      ORDER BY c.handoff_at, c.id LIMIT 100`,
    [staffId],
  )) as (AgentConversation & { unread: number })[];
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'queue.read',
    resource: { type: 'Conversation' },
    purpose: 'customer_support',
    requestId: ctx.requestId,
    details: { conversations: rows.length, own: 1 },
  });
  return rows.map((r) => ({
    ...r,
    lastSeq: Number(r.lastSeq),
    notHelpful: Number(r.notHelpful),
    unread: Number(r.unread),
  }));
}
