// Ranking and the evidence for confidence of one candidate passage for a query. Ranking: BM25 over
// the query's terms plus a boost when the title/heading carries the question (FAQ questions are
// headings). Coverage: the share of the question's known weight (terms some passage holds) the
// passage covers — words the knowledge base has never seen say nothing about which passage fits,
// so they are left out here and counted once, as the question's unknown share (confidence.ts).
import { idf, NEAR_CREDIT, type Query, type QueryUnit, SYNONYM_CREDIT } from './query.ts';
import type { CorpusStats } from './types.ts';

const K1 = 1.2;
const B = 0.75;

export function countTerms(terms: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of terms.split(' ')) if (t) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}

// Every term a query can ask about (its terms, its units' terms and synonyms), once per query.
const asked = new WeakMap<Query, Set<string>>();
function askedTerms(query: Query): Set<string> {
  let set = asked.get(query);
  if (!set) {
    set = new Set(query.terms);
    for (const u of query.units) for (const t of [...u.terms, ...(u.alternatives ?? [])]) set.add(t);
    asked.set(query, set);
  }
  return set;
}

/**
 * The counts of the asked terms in a passage's term list, and the list's length: what countTerms
 * gives for those terms, without a map entry (or an array) for every other word of the passage.
 */
export function countAsked(terms: string, wanted: Set<string>): { counts: Map<string, number>; length: number } {
  const counts = new Map<string, number>();
  let length = 0;
  let start = 0;
  while (start <= terms.length) {
    let end = terms.indexOf(' ', start);
    if (end < 0) end = terms.length;
    if (end > start) {
      length += 1;
      const t = terms.slice(start, end);
      if (wanted.has(t)) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    start = end + 1;
  }
  return { counts, length };
}

/** Weighted share of the query's known units satisfied by a term set. */
export function coverage(query: Query, has: (term: string) => boolean): number {
  let total = 0;
  let covered = 0;
  // Chinese function characters alone say nothing: with no known content unit there is no coverage.
  if (!query.units.some((u) => u.known !== false && !u.light)) return 0;
  for (const u of query.units) {
    if (u.known === false) continue;
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
  /** coverage of the question's known terms by the whole passage, 0..1 */
  body: number;
  /** coverage of the question's known terms by the title and heading, 0..1 */
  heading: number;
}

export const HEAD_WEIGHT = 0.6;

/** Separates the title/heading terms from each alternative phrasing's terms in `headTerms`. */
export const PHRASING_SEPARATOR = '|';

/**
 * Coverage by the title and heading, or by one alternative phrasing, whichever is highest: a
 * question asked like one phrasing is covered by it; words spread over several phrasings are not.
 */
export function headCoverage(query: Query, headTerms: string): number {
  const [head = '', ...phrasings] = headTerms.split(PHRASING_SEPARATOR);
  const headSet = new Set(head.split(' '));
  let best = coverage(query, (t) => headSet.has(t));
  if (phrasings.length === 0) return best;
  const asked = new Set(query.terms);
  for (const group of phrasings) {
    const terms = new Set(group.split(' ').filter(Boolean));
    if (terms.size === 0) continue;
    // A phrasing matches both ways: the question's words are in it, and its words in the question.
    const back = [...terms].filter((t) => asked.has(t)).length / terms.size;
    best = Math.max(best, coverage(query, (t) => terms.has(t)) * Math.sqrt(back));
  }
  return best;
}

export function scorePassage(
  query: Query,
  passage: { terms: string; headTerms: string },
  stats: CorpusStats,
): PassageScore {
  const { counts, length } = countAsked(passage.terms, askedTerms(query));
  const body = coverage(query, (t) => counts.has(t));
  const heading = headCoverage(query, passage.headTerms);
  const knownWeight = query.units.reduce((a, u) => a + (u.known === false ? 0 : u.weight), 0) || 1;
  const score = bm25(query, counts, length, stats) / knownWeight + body + HEAD_WEIGHT * heading;
  return { score, body, heading };
}

/**
 * How known one unit is: a typo-corrected word only partly (the correction may be a different
 * word: "pension" → "person"), a long word one edit away from its correction more than others.
 */
const knownPart = (u: QueryUnit) => (u.known === false ? 0 : u.credit >= 1 ? 1 : u.credit >= NEAR_CREDIT ? 0.75 : 0.5);

/** Share of the question's content units (Chinese function characters aside) the knowledge base knows. */
export function knownShare(query: Query): number {
  const content = query.units.filter((u) => !u.light);
  return content.length ? content.reduce((a, u) => a + knownPart(u), 0) / content.length : 0;
}

/** Content units from which a question counts as long (confidence.ts). */
export const LONG_QUESTION = 8;

/** The question's content units (Chinese function characters aside), up to LONG_QUESTION, as a share of it. */
export function lengthShare(query: Query): number {
  return Math.min(query.units.filter((u) => !u.light).length, LONG_QUESTION) / LONG_QUESTION;
}

/** Share of the question's content units that are Chinese characters. */
export function hanShare(query: Query): number {
  const content = query.units.filter((u) => !u.light);
  return content.length ? content.filter((u) => /\p{Script=Han}/u.test(u.terms[0] ?? '')).length / content.length : 0;
}

/** The same, weighted by rarity: an unknown word weighs as much as the rarest known one (it is likely the topic). */
export function knownWeightShare(query: Query, stats: CorpusStats): number {
  const content = query.units.filter((u) => !u.light);
  const unknownWeight = idf(stats, '');
  const total = content.reduce((a, u) => a + (u.known === false ? unknownWeight : u.weight), 0);
  return total > 0 ? content.reduce((a, u) => a + u.weight * knownPart(u), 0) / total : 0;
}
