// Who is signed in on the staff live channel of this node: the availability auto-assignment reads
// (policies/sites.yaml `autoAssign`). A user counts while at least one of their consoles is connected.
// Per node: with several nodes, a handoff on one node assigns only among the agents connected to it.
import type { Infra } from '../infra.ts';

const connections = new WeakMap<Infra, Map<string, number>>();

const mapOf = (infra: Infra): Map<string, number> => {
  let m = connections.get(infra);
  if (!m) connections.set(infra, (m = new Map()));
  return m;
};

/** Marks the user online; the answer marks that one connection gone (once). */
export function markOnline(infra: Infra, userId: string): () => void {
  const m = mapOf(infra);
  m.set(userId, (m.get(userId) ?? 0) + 1);
  let gone = false;
  return () => {
    if (gone) return;
    gone = true;
    const left = (m.get(userId) ?? 1) - 1;
    if (left > 0) m.set(userId, left);
    else m.delete(userId);
  };
}

export const onlineStaff = (infra: Infra): string[] => [...mapOf(infra).keys()];
