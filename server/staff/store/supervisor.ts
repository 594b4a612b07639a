// The supervisor board's SQL: queue lengths, agents' load and the period's figures, counted from
// conversations' states and timestamps, message roles and notice codes (messages.meta), and the
// handoff audit events' reason codes. No query here reads a ciphertext or a visitor's identifier.
import type { EntityManager } from 'typeorm';
import { HANDOFF_REASONS, type AgentLoad, type PeriodStats, type QueueLine } from '../../../protocol/supervisor.ts';
import { onlineCondition, PRESENCE_TTL_MS } from './presence.ts';

/** A transaction, or the data source for a single read outside one. */
type Queryable = Pick<EntityManager, 'query'>;

/** An open conversation with the assistant counts as an active chat while a message came this recently. */
export const ACTIVE_AI_MINUTES = 30;

const seconds = (ms: number) => Math.max(0, Math.floor(ms / 1000));

export async function queueLines(tx: Queryable, now: Date): Promise<QueueLine[]> {
  const rows = (await tx.query(
    `SELECT site, language, count(*)::int AS waiting, min(handoff_at) AS oldest FROM conversations
      WHERE status = 'handoff' AND mode = 'queued' GROUP BY site, language ORDER BY site, language NULLS LAST`,
  )) as { site: string; language: string | null; waiting: number; oldest: Date }[];
  return rows.map((r) => ({
    site: r.site,
    language: r.language,
    waiting: Number(r.waiting),
    longestWaitSeconds: seconds(now.getTime() - new Date(r.oldest).getTime()),
  }));
}

/** Agents (and anyone else holding a conversation), with whether their console is open and how many they hold. */
export async function agentLoads(tx: Queryable, now: Date): Promise<AgentLoad[]> {
  const rows = (await tx.query(
    `SELECT u.id, u.display_name AS "displayName", ${onlineCondition('u.id', '$1')} AS online, coalesce(held.n, 0)::int AS active
       FROM staff_users u
       LEFT JOIN (SELECT assigned_to, count(*) AS n FROM conversations WHERE status = 'handoff' AND mode = 'agent' GROUP BY assigned_to) held ON held.assigned_to = u.id
      WHERE u.disabled_at IS NULL AND (u.role = 'agent' OR held.n > 0)
      ORDER BY u.display_name, u.id`,
    [new Date(now.getTime() - PRESENCE_TTL_MS)],
  )) as AgentLoad[];
  return rows.map((r) => ({ ...r, active: Number(r.active) }));
}

/** Each count reads a partial index (conversations waiting or held; open ones by their last change). */
export async function activeChats(
  tx: Queryable,
  now: Date,
): Promise<{ ai: number; queued: number; withAgent: number }> {
  const [row] = (await tx.query(
    `SELECT (SELECT count(*) FROM conversations WHERE status = 'open' AND updated_at >= $1)::int AS ai,
            (SELECT count(*) FROM conversations WHERE status = 'handoff' AND mode = 'queued')::int AS queued,
            (SELECT count(*) FROM conversations WHERE status = 'handoff' AND mode = 'agent')::int AS "withAgent"`,
    [new Date(now.getTime() - ACTIVE_AI_MINUTES * 60_000)],
  )) as { ai: number; queued: number; withAgent: number }[];
  return { ai: Number(row!.ai), queued: Number(row!.queued), withAgent: Number(row!.withAgent) };
}

// Per conversation closed in the period: when it first went to the queue (its first queued or
// outside-hours notice), when a person took it (the first agent_joined notice, else their first
// message), when a person first wrote. One pass over each conversation's notices and agent messages.
const CLOSED_IN_PERIOD = `
  WITH closed AS (
    SELECT c.id, c.closed_at,
           min(m.created_at) FILTER (WHERE m.role = 'system' AND m.meta->>'notice' IN ('queued', 'outside_hours')) AS queued_at,
           min(m.created_at) FILTER (WHERE m.role = 'system' AND m.meta->>'notice' = 'agent_joined') AS joined_at,
           min(m.created_at) FILTER (WHERE m.role = 'agent') AS answered_at
      FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id AND m.role IN ('system', 'agent')
     WHERE c.status = 'closed' AND c.closed_at >= $1 AND c.closed_at < $2
     GROUP BY c.id, c.closed_at),
  timed AS (
    SELECT extract(epoch FROM answered_at - queued_at) AS first_response, extract(epoch FROM closed_at - coalesce(joined_at, answered_at)) AS handle
      FROM closed WHERE answered_at IS NOT NULL)`;

interface ClosedRow {
  closed: number;
  aiResolved: number;
  frP50: number | null;
  frP90: number | null;
  frCount: number;
  htP50: number | null;
  htP90: number | null;
  htCount: number;
}

async function closedFigures(tx: Queryable, from: Date, to: Date): Promise<ClosedRow> {
  const [row] = (await tx.query(
    `${CLOSED_IN_PERIOD}
     SELECT k.*, t.* FROM
       (SELECT count(*)::int AS closed, (count(*) FILTER (WHERE queued_at IS NULL AND answered_at IS NULL))::int AS "aiResolved" FROM closed) k,
       (SELECT count(first_response)::int AS "frCount",
               percentile_cont(0.5) WITHIN GROUP (ORDER BY first_response) AS "frP50", percentile_cont(0.9) WITHIN GROUP (ORDER BY first_response) AS "frP90",
               count(handle)::int AS "htCount",
               percentile_cont(0.5) WITHIN GROUP (ORDER BY handle) AS "htP50", percentile_cont(0.9) WITHIN GROUP (ORDER BY handle) AS "htP90"
          FROM timed) t`,
    [from, to],
  )) as ClosedRow[];
  return row!;
}

async function handoffReasons(tx: Queryable, from: Date, to: Date): Promise<PeriodStats['handoffs']> {
  const rows = (await tx.query(
    `SELECT details->>'reason' AS reason, count(*)::int AS count FROM audit_events
      WHERE action = 'conversation.handoff' AND outcome = 'success' AND occurred_at >= $1 AND occurred_at < $2
      GROUP BY details->>'reason'`,
    [from, to],
  )) as { reason: string; count: number }[];
  const counts = new Map(rows.map((r) => [r.reason, Number(r.count)]));
  return HANDOFF_REASONS.map((reason) => ({ reason, count: counts.get(reason) ?? 0 }));
}

async function satisfaction(tx: Queryable, from: Date, to: Date): Promise<PeriodStats['satisfaction']> {
  const rows = (await tx.query(
    `SELECT rating AS score, count(*)::int AS count FROM conversations WHERE rating IS NOT NULL AND rated_at >= $1 AND rated_at < $2 GROUP BY rating`,
    [from, to],
  )) as { score: number; count: number }[];
  const counts = new Map(rows.map((r) => [Number(r.score), Number(r.count)]));
  const distribution = [1, 2, 3, 4, 5].map((score) => ({ score, count: counts.get(score) ?? 0 }));
  const count = distribution.reduce((n, d) => n + d.count, 0);
  const sum = distribution.reduce((n, d) => n + d.score * d.count, 0);
  return { count, average: count ? Math.round((sum / count) * 100) / 100 : null, distribution };
}

async function unansweredCount(tx: Queryable, from: Date, to: Date): Promise<number> {
  const [row] = (await tx.query(
    `SELECT count(*)::int AS n FROM messages WHERE role = 'assistant' AND meta->>'offer' = 'handoff' AND created_at >= $1 AND created_at < $2`,
    [from, to],
  )) as { n: number }[];
  return Number(row!.n);
}

const round = (n: number | string | null) => (n === null ? null : Math.round(Number(n) * 10) / 10);

/** The period's figures, [from, to). */
export async function periodStats(tx: Queryable, from: Date, to: Date): Promise<PeriodStats> {
  const closed = await closedFigures(tx, from, to);
  const closedCount = Number(closed.closed);
  const aiResolved = Number(closed.aiResolved);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    closed: closedCount,
    aiResolved,
    aiResolutionRate: closedCount ? Math.round((aiResolved / closedCount) * 1000) / 1000 : null,
    handoffs: await handoffReasons(tx, from, to),
    firstResponse: { count: Number(closed.frCount), p50Seconds: round(closed.frP50), p90Seconds: round(closed.frP90) },
    handleTime: { count: Number(closed.htCount), p50Seconds: round(closed.htP50), p90Seconds: round(closed.htP90) },
    satisfaction: await satisfaction(tx, from, to),
    unanswered: await unansweredCount(tx, from, to),
  };
}
