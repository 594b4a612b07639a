// Who has the console open: one row per open staff channel (/api/staff/live), on whichever node
// holds it. A channel touches its row at each session check; a row not touched for PRESENCE_TTL_MS
// belongs to a node that stopped without closing it, and no longer counts.
import type { Queryable } from './store/users.ts';
import {
  deleteNodePresence,
  deletePresence,
  deleteStalePresence,
  insertPresence,
  PRESENCE_TTL_MS,
  touchPresence,
} from './store/presence.ts';

export { onlineCondition, PRESENCE_TTL_MS } from './store/presence.ts';

export async function channelOpened(
  tx: Queryable,
  props: { channelId: string; userId: string; nodeId: string; now: Date },
): Promise<void> {
  await insertPresence(tx, props);
  // rows a stopped node left behind
  await deleteStalePresence(tx, new Date(props.now.getTime() - PRESENCE_TTL_MS));
}

export async function channelSeen(tx: Queryable, channelId: string, now: Date): Promise<void> {
  await touchPresence(tx, channelId, now);
}

export async function channelClosed(tx: Queryable, channelId: string): Promise<void> {
  await deletePresence(tx, channelId);
}

/** At start: the channels this node held before it stopped are gone. */
export async function nodeRestarted(tx: Queryable, nodeId: string): Promise<void> {
  await deleteNodePresence(tx, nodeId);
}
