// The agents' workload in SQL: presence as each agent sets it (agent_presence), how far they have
// read each conversation (agent_reads), and how many conversations each holds, for the transfer
// list, the agent's own list and auto-assignment. Staff ids, names, codes and counts only.
import type { AgentOnDuty, Presence } from '../../../protocol/agent.ts';
import { type AgentConversation, agentColumns, type StaffName } from './agentQueue.ts';
import { onlineCondition } from '../../staff/store/presence.ts';
import { conversationOf, type Queryable } from './conversations.ts';

/** Staff who may take a conversation (agents and admins, not disabled): available first, then by load and name. */
export async function selectAgentsOnDuty(tx: Queryable): Promise<AgentOnDuty[]> {
  const rows = (await tx.query(
    `SELECT s.id, s.display_name AS name, coalesce(p.status, 'away') AS presence,
            (SELECT count(*)::int FROM conversations c WHERE c.assigned_to = s.id AND c.status = 'handoff') AS active
       FROM staff_users s LEFT JOIN agent_presence p ON p.staff_id = s.id
      WHERE s.role IN ('agent', 'admin') AND s.disabled_at IS NULL
      ORDER BY coalesce(p.status, 'away') = 'available' DESC, 4, s.display_name, s.id LIMIT 500`,
  )) as AgentOnDuty[];
  return rows.map((r) => ({ ...r, active: Number(r.active) }));
}

/** The presence the agent set; undefined when they never set one. */
export async function selectPresence(tx: Queryable, staffId: string): Promise<Presence | undefined> {
  const [row] = (await tx.query(`SELECT status FROM agent_presence WHERE staff_id = $1`, [staffId])) as {
    status: Presence;
  }[];
  return row?.status;
}

export async function upsertPresence(tx: Queryable, staffId: string, status: Presence, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO agent_presence (staff_id, status, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (staff_id) DO UPDATE SET status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
    [staffId, status, now],
  );
}

/** The agent has read the conversation up to `seq` (never moves back). */
export async function upsertRead(tx: Queryable, staffId: string, conversationId: string, seq: number): Promise<void> {
  await tx.query(
    `INSERT INTO agent_reads (staff_id, conversation_id, seq) VALUES ($1, $2, $3)
     ON CONFLICT (staff_id, conversation_id) DO UPDATE SET seq = GREATEST(agent_reads.seq, EXCLUDED.seq)`,
    [staffId, conversationId, seq],
  );
}

/** The conversations the agent holds, oldest handoff first, each with its unread visitor messages. */
export async function selectOwnConversations(
  tx: Queryable,
  staffId: string,
): Promise<(AgentConversation & { unread: number })[]> {
  const rows = (await tx.query(
    `SELECT ${agentColumns('c')},
            (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id AND m.role = 'visitor' AND m.seq > coalesce(r.seq, 0)) AS unread
       FROM conversations c LEFT JOIN agent_reads r ON r.conversation_id = c.id AND r.staff_id = $1
      WHERE c.status = 'handoff' AND c.mode = 'agent' AND c.assigned_to = $1
      ORDER BY c.handoff_at, c.id LIMIT 100`,
    [staffId],
  )) as (AgentConversation & { unread: number })[];
  return rows.map((r) => ({ ...conversationOf(r), unread: Number(r.unread) }));
}

/** The conversations an agent holds now, all sites together. */
const LOAD = `(SELECT count(*) FROM conversations c WHERE c.assigned_to = s.id AND c.status = 'handoff' AND c.mode = 'agent')`;

/**
 * Agents (not admins, not disabled) who set 'available' and have the console open: a staff_presence
 * channel seen at `onlineSince` or later (`onlineCondition`). Each with their load.
 */
export async function selectAvailableAgentLoads(
  tx: Queryable,
  onlineSince: Date,
): Promise<(StaffName & { load: number })[]> {
  const rows = (await tx.query(
    `SELECT s.id, s.display_name AS name, ${LOAD} AS load
       FROM staff_users s JOIN agent_presence ap ON ap.staff_id = s.id AND ap.status = 'available'
      WHERE s.role = 'agent' AND s.disabled_at IS NULL AND ${onlineCondition('s.id', '$1')}`,
    [onlineSince],
  )) as (StaffName & { load: number | string })[];
  return rows.map((a) => ({ ...a, load: Number(a.load) }));
}

/**
 * The agent's load, counted under a lock on their staff row: two transactions counting for the same
 * agent take turns. Undefined when there is no such staff user.
 */
export async function lockedAgentLoad(tx: Queryable, staffId: string): Promise<number | undefined> {
  await tx.query(`SELECT id FROM staff_users WHERE id = $1 FOR UPDATE`, [staffId]);
  const [row] = (await tx.query(`SELECT ${LOAD} AS load FROM staff_users s WHERE s.id = $1`, [staffId])) as {
    load: string;
  }[];
  return row && Number(row.load);
}

/** Assigns the conversation to the agent unless someone holds it already. */
export async function assignIfUnassigned(
  tx: Queryable,
  conversationId: string,
  agentId: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE conversations SET mode = 'agent', assigned_to = $2, updated_at = $3 WHERE id = $1 AND assigned_to IS NULL`,
    [conversationId, agentId, now],
  );
}
