// The agents' SQL for handed-off conversations: the queue, the conversation row as agents see it
// (who holds it, why and since when it waits), and the claims, transfers and releases that change
// it. Callers hold the transaction (with its row locks) and write the audit events.
import { changedRows } from '../../db/results.ts';
import { type ConversationRow, conversationOf, type Queryable } from './conversations.ts';

export interface AgentConversation extends ConversationRow {
  assignedTo: string | null;
  handoffReason: string | null;
  handoffAt: Date | null;
}

/** A staff member as the visitor sees them: id and display name. */
export interface StaffName {
  id: string;
  name: string;
}

/** The columns of an AgentConversation, of the table named `alias` when given. */
export const agentColumns = (alias = '') => {
  const a = alias ? `${alias}.` : '';
  return `${a}id, ${a}subject_id AS "subjectId", ${a}site, ${a}status, ${a}mode, ${a}language, ${a}rating, ${a}queue, ${a}last_seq AS "lastSeq", ${a}not_helpful AS "notHelpful",
  ${a}assigned_to AS "assignedTo", ${a}handoff_reason AS "handoffReason", ${a}handoff_at AS "handoffAt"`;
};
const COLUMNS = agentColumns();

export async function selectAgentConversation(
  tx: Queryable,
  conversationId: string,
  lock = false,
): Promise<AgentConversation | undefined> {
  const [row] = (await tx.query(`SELECT ${COLUMNS} FROM conversations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
    conversationId,
  ])) as AgentConversation[];
  return row && conversationOf(row);
}

/** Handed-off conversations (waiting or held), oldest handoff first; a filter left null matches all. */
export async function selectQueue(
  tx: Queryable,
  filter: { site: string | null; language: string | null; queue: string | null },
): Promise<AgentConversation[]> {
  const rows = (await tx.query(
    `SELECT ${COLUMNS} FROM conversations
      WHERE status = 'handoff' AND ($1::text IS NULL OR site = $1) AND ($2::text IS NULL OR language = $2) AND ($3::text IS NULL OR queue = $3)
      ORDER BY handoff_at, id LIMIT 500`,
    [filter.site, filter.language, filter.queue],
  )) as AgentConversation[];
  return rows.map(conversationOf);
}

/** Waiting conversations nobody has claimed, oldest handoff first. */
export async function selectUnclaimed(tx: Queryable): Promise<AgentConversation[]> {
  const rows = (await tx.query(
    `SELECT ${COLUMNS} FROM conversations WHERE status = 'handoff' AND mode = 'queued' AND assigned_to IS NULL ORDER BY handoff_at, id LIMIT 500`,
  )) as AgentConversation[];
  return rows.map(conversationOf);
}

/** A staff member's display name; undefined when there is no such staff user. */
export async function staffName(tx: Queryable, staffId: string): Promise<string | undefined> {
  const [row] = (await tx.query(`SELECT display_name AS name FROM staff_users WHERE id = $1`, [staffId])) as {
    name: string;
  }[];
  return row?.name;
}

/** A staff member who may take conversations (an agent or admin, not disabled); undefined otherwise. */
export async function activeAgent(tx: Queryable, staffId: string): Promise<StaffName | undefined> {
  const [row] = (await tx.query(
    `SELECT id, display_name AS name FROM staff_users WHERE id = $1 AND role IN ('agent', 'admin') AND disabled_at IS NULL`,
    [staffId],
  )) as StaffName[];
  return row;
}

/** The conversation is with `agentId` now (a claim, or a transfer to an agent). */
export async function assignAgent(tx: Queryable, conversationId: string, agentId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE conversations SET mode = 'agent', assigned_to = $2, updated_at = $3 WHERE id = $1`, [
    conversationId,
    agentId,
    now,
  ]);
}

/**
 * Assigns the conversation to `agentId` only while it waits unclaimed: one conditional UPDATE, so of two
 * agents taking it at once one wins. Answers whether this call took it.
 */
export async function takeUnclaimed(
  tx: Queryable,
  conversationId: string,
  agentId: string,
  now: Date,
): Promise<boolean> {
  return (
    changedRows(
      await tx.query(
        `UPDATE conversations SET mode = 'agent', assigned_to = $2, updated_at = $3
      WHERE id = $1 AND status = 'handoff' AND mode = 'queued' AND assigned_to IS NULL RETURNING id`,
        [conversationId, agentId, now],
      ),
    ) > 0
  );
}

/** Back in a queue, held by nobody (a transfer to a queue; a missing queue clears it). */
export async function requeue(
  tx: Queryable,
  conversationId: string,
  queue: string | undefined,
  now: Date,
): Promise<void> {
  await tx.query(
    `UPDATE conversations SET mode = 'queued', assigned_to = NULL, queue = $2, updated_at = $3 WHERE id = $1`,
    [conversationId, queue, now],
  );
}

/** Open again and the AI's to answer: no queue, no handoff, nobody holding it. */
export async function releaseToAi(tx: Queryable, conversationId: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE conversations SET status = 'open', mode = 'ai', assigned_to = NULL, queue = NULL, handoff_reason = NULL, handoff_at = NULL, updated_at = $2 WHERE id = $1`,
    [conversationId, now],
  );
}
