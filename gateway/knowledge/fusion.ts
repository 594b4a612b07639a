// Hybrid ranking: reciprocal rank fusion (Cormack et al., 2009) of the lexical and the vector
// lists. Ranks, not scores, are fused: BM25 and cosine similarity are on scales that do not mix.
// Guarantees: a passage in either list is in the result; one in both outranks one found by a
// single list at the same ranks; ties keep the lexical order.

/** RRF's damping constant: the usual 60 keeps one list's first place from deciding alone. */
export const RRF_K = 60;

export function reciprocalRankFusion(lists: string[][], k = RRF_K): string[] {
  const score = new Map<string, number>();
  const firstSeen = new Map<string, number>();
  let seen = 0;
  for (const list of lists) {
    list.forEach((id, rank) => {
      score.set(id, (score.get(id) ?? 0) + 1 / (k + rank + 1));
      if (!firstSeen.has(id)) firstSeen.set(id, seen++);
    });
  }
  return [...score.keys()].sort((a, b) => score.get(b)! - score.get(a)! || firstSeen.get(a)! - firstSeen.get(b)!);
}

/** Cosine similarity of two vectors of the same length (0 when either is all zeros). */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
