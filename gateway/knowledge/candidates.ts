// Which of a question's terms fetch candidates from the store. A very common term ("account" in a
// bank's articles) matches a large share of all passages, and every match costs the database a row
// to rank; the rare terms are the ones that tell passages apart. So the store is asked for the
// rarest terms whose posting lists together stay within a budget; the common terms still count in
// re-ranking (scorePassage reads every term of each candidate), they just do not widen the net.
import type { CorpusStats } from './types.ts';

/** Rows the candidate query may touch (sum of the chosen terms' document frequencies). */
export const POSTING_BUDGET = 1000;

export function candidateTerms(terms: string[], stats: Pick<CorpusStats, 'df'>, budget = POSTING_BUDGET): string[] {
  // Terms no passage holds cannot match; asking for them only costs index lookups.
  const known = [...new Set(terms)].map((term) => ({ term, df: stats.df.get(term) ?? 0 })).filter((t) => t.df > 0);
  known.sort((a, b) => a.df - b.df || a.term.localeCompare(b.term));
  const chosen: string[] = [];
  let postings = 0;
  for (const t of known) {
    // The rarest term always goes in, however common: a question made only of common words still gets answers.
    if (chosen.length > 0 && postings + t.df > budget) break;
    chosen.push(t.term);
    postings += t.df;
  }
  return chosen;
}
