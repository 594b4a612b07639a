// Ranking and confidence of one candidate passage for a query. Ranking: BM25 over the query's
// terms plus a boost when the title/heading carries the question (FAQ questions are headings).
// Confidence: the share of the question's weight the passage covers, 0..1 — the abstain signal.
import { idf, type Query, SYNONYM_CREDIT } from './query.ts';
import type { CorpusStats } from './types.ts';

const K1 = 1.2;
const B = 0.75;

export function countTerms(terms: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms.split(' ')) if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

/** Weighted share of the query's units satisfied by a term set. */
export function coverage(query: Query, has: (term: string) => boolean): number {
  let total = 0;
  let covered = 0;
  for (const u of query.units) {
    total += u.weight;
    if (u.terms.some(has)) covered += u.weight * u.credit;
    else if (u.alternatives?.some(has)) covered += u.weight * SYNONYM_CREDIT;
  }
  return total > 0 ? covered / total : 0;
}

export function bm25(query: Query, counts: Map<string, number>, length: number, stats: CorpusStats): number {
  let s = 0;
  for (const term of query.terms) {
    const tf = counts.get(term);
    if (!tf) continue;
    s += (idf(stats, term) * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / Math.max(stats.avgTerms, 1)));
  }
  return s;
}

export interface PassageScore {
  score: number;
  confidence: number;
}

export const HEAD_WEIGHT = 0.6;

export function scorePassage(query: Query, passage: { terms: string; headTerms: string }, stats: CorpusStats): PassageScore {
  const counts = countTerms(passage.terms);
  const head = new Set(passage.headTerms.split(' '));
  const length = [...counts.values()].reduce((a, b) => a + b, 0);
  const body = coverage(query, (t) => counts.has(t));
  const heading = coverage(query, (t) => head.has(t));
  const totalWeight = query.units.reduce((a, u) => a + u.weight, 0) || 1;
  const score = bm25(query, counts, length, stats) / totalWeight + body + HEAD_WEIGHT * heading;
  return { score, confidence: Math.min(1, 0.75 * body + 0.25 * heading + 0.25 * body * heading) };
}
