// The open staff channels' SQL (staff_presence): one row per channel, touched at each session check.
// A row not touched for PRESENCE_TTL_MS belongs to a node that stopped without closing it.
import type { EntityManager } from 'typeorm';

/** A transaction, or the data source for a single read outside one. */
type Queryable = Pick<EntityManager, 'query'>;

/** Longer than two session checks (live.ts checks every 30 s), so one slow check does not blink. */
export const PRESENCE_TTL_MS = 75_000;

/** node_id holds at most 64 characters. */
const nodeColumn = (nodeId: string) => nodeId.slice(0, 64);

export async function insertPresence(
  tx: Queryable,
  p: { channelId: string; userId: string; nodeId: string; now: Date },
): Promise<void> {
  await tx.query(`INSERT INTO staff_presence (channel_id, user_id, node_id, seen_at) VALUES ($1, $2, $3, $4)`, [
    p.channelId,
    p.userId,
    nodeColumn(p.nodeId),
    p.now,
  ]);
}

/** Rows not touched since `before`. */
export async function deleteStalePresence(tx: Queryable, before: Date): Promise<void> {
  await tx.query(`DELETE FROM staff_presence WHERE seen_at < $1`, [before]);
}

export async function touchPresence(tx: Queryable, channelId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_presence SET seen_at = $2 WHERE channel_id = $1`, [channelId, now]);
}

export async function deletePresence(tx: Queryable, channelId: string): Promise<void> {
  await tx.query(`DELETE FROM staff_presence WHERE channel_id = $1`, [channelId]);
}

export async function deleteNodePresence(tx: Queryable, nodeId: string): Promise<void> {
  await tx.query(`DELETE FROM staff_presence WHERE node_id = $1`, [nodeColumn(nodeId)]);
}

/** The SQL condition "staff member `column` has a channel open", for the board's queries ($n: the cutoff). */
export const onlineCondition = (column: string, cutoffParam: string) =>
  `EXISTS (SELECT 1 FROM staff_presence p WHERE p.user_id = ${column} AND p.seen_at >= ${cutoffParam})`;
