// Who has the console open: one row per open staff channel (/api/staff/live), on whichever node
// holds it. A channel touches its row at each session check; a row not touched for PRESENCE_TTL_MS
// belongs to a node that stopped without closing it, and no longer counts.
import type { Queryable } from './store.ts';

/** Longer than two session checks (live.ts checks every 30 s), so one slow check does not blink. */
export const PRESENCE_TTL_MS = 75_000;

export async function channelOpened(
  tx: Queryable,
  props: { channelId: string; userId: string; nodeId: string; now: Date },
): Promise<void> {
  await tx.query(`INSERT INTO staff_presence (channel_id, user_id, node_id, seen_at) VALUES ($1, $2, $3, $4)`, [
    props.channelId,
    props.userId,
    props.nodeId.slice(0, 64),
    props.now,
  ]);
  // rows a stopped node left behind
  await tx.query(`DELETE FROM staff_presence WHERE seen_at < $1`, [new Date(props.now.getTime() - PRESENCE_TTL_MS)]);
}

export async function channelSeen(tx: Queryable, channelId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_presence SET seen_at = $2 WHERE channel_id = $1`, [channelId, now]);
}

export async function channelClosed(tx: Queryable, channelId: string): Promise<void> {
  await tx.query(`DELETE FROM staff_presence WHERE channel_id = $1`, [channelId]);
}

/** At start: the channels this node held before it stopped are gone. */
export async function nodeRestarted(tx: Queryable, nodeId: string): Promise<void> {
  await tx.query(`DELETE FROM staff_presence WHERE node_id = $1`, [nodeId.slice(0, 64)]);
}

/** The SQL condition "staff member `column` has a channel open", for the board's queries ($n: the cutoff). */
export const onlineCondition = (column: string, cutoffParam: string) =>
  `EXISTS (SELECT 1 FROM staff_presence p WHERE p.user_id = ${column} AND p.seen_at >= ${cutoffParam})`;
