// The knowledge base's search: question → weighted terms (typo-corrected against the index's
// vocabulary) → full-text candidates from the store (for the question's rarer terms, see
// candidates.ts) → BM25 + coverage scores over all its terms. Corpus statistics are cached: read
// afresh after `invalidate()` (on every publish), and after `statsTtlMs` refreshed in the background
// while the old ones serve. Results are remembered
// the same way (one search for the chat's sources and the extractive answer to the same question;
// concurrent identical searches share one query), keyed by a hash of the request, never its text.
import { createHash } from 'node:crypto';
import { candidateTerms, POSTING_BUDGET } from './candidates.ts';
import { analyzeText, analyzeTexts } from './analyze.ts';
import { questionLanguage } from './language.ts';
import { BUILTIN_SYNONYMS, buildQuery, synonymMap, type SynonymMap } from './query.ts';
import { calibratedConfidence, type ConfidenceSignals } from './confidence.ts';
import { hanShare, knownShare, knownWeightShare, scorePassage } from './score.ts';
import type { Audience, CorpusStats, KnowledgeSearch, PassageHit, PassageSource, SearchRequest, SearchResult, ZhMode } from './types.ts';

export interface RetrieverOptions {
  source: PassageSource;
  zhMode?: ZhMode;
  statsTtlMs?: number;
  /** candidates fetched from the store before re-ranking */
  candidates?: number;
  /** rows the candidate query may match, summed over its terms' document frequencies */
  postingBudget?: number;
  now?: () => number;
  /** searches remembered (0: none) */
  memoEntries?: number;
  /** per language, groups of words that mean the same (policies/kb-synonyms.yaml) */
  synonyms?: Record<string, string[][]>;
}

export interface Retriever extends KnowledgeSearch {
  /** drop cached statistics (call after publishing or unpublishing) */
  invalidate(): void;
  zhMode: ZhMode;
}

const LANG_BONUS = 0.05;

export function createRetriever(opts: RetrieverOptions): Retriever {
  const zhMode = opts.zhMode ?? 'bigram';
  const ttl = opts.statsTtlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let cached: { stats: Promise<CorpusStats>; at: number } | undefined;
  const memoEntries = opts.memoEntries ?? 2000;
  const memo = new Map<string, { result: Promise<SearchResult>; at: number }>();

  // Synonym groups stemmed by the same analyser as the index, once per language.
  const stemmedSynonyms = new Map<string, Promise<SynonymMap>>();
  const synonymsFor = (lang: string): Promise<SynonymMap> => {
    const stemmer = opts.source.stem;
    if (!stemmer) return Promise.resolve(BUILTIN_SYNONYMS);
    let found = stemmedSynonyms.get(lang);
    if (!found) {
      const groups = opts.synonyms?.[lang] ?? [];
      found = analyzeTexts(stemmer, groups.flat(), lang, zhMode).then((prepared) => {
        let i = 0;
        const stemmed = groups.map((g) => g.map(() => prepared[i++]?.words[0]).filter((w): w is string => !!w));
        return synonymMap(stemmed);
      });
      found.catch(() => stemmedSynonyms.delete(lang));
      stemmedSynonyms.set(lang, found);
    }
    return found;
  };

  // Expired statistics keep serving while fresh ones are read in the background (reading them
  // scans every passage: no search should wait on that); a publish (invalidate) makes the next
  // search wait for fresh ones, and a failed refresh leaves the old ones for the next try.
  let refreshing: Promise<void> | undefined;
  const stats = (): Promise<CorpusStats> => {
    if (!cached) {
      const entry = { stats: opts.source.stats(), at: now() };
      entry.stats.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    } else if (now() - cached.at > ttl && !refreshing) {
      const stale = cached;
      const next = opts.source.stats();
      refreshing = next.then(
        () => {
          if (cached === stale) cached = { stats: next, at: now() };
        },
        () => undefined,
      ).finally(() => (refreshing = undefined));
    }
    return cached.stats;
  };

  return {
    zhMode,
    invalidate: () => {
      cached = undefined;
      refreshing = undefined;
      memo.clear();
    },
    search(req: SearchRequest): Promise<SearchResult> {
      if (memoEntries === 0) return search(req);
      const key = createHash('sha256').update(JSON.stringify([req.question, req.lang ?? null, req.audience, req.limit])).digest('base64');
      const hit = memo.get(key);
      if (hit && now() - hit.at <= ttl) return hit.result;
      const entry = { result: search(req), at: now() };
      entry.result.catch(() => {
        if (memo.get(key) === entry) memo.delete(key);
      });
      memo.delete(key);
      memo.set(key, entry);
      while (memo.size > memoEntries) memo.delete(memo.keys().next().value as string);
      return entry.result;
    },
  };

  async function search(req: SearchRequest): Promise<SearchResult> {
    const audiences: Audience[] = Array.isArray(req.audience) ? req.audience : [req.audience];
    const lang = questionLanguage(req.question, req.lang);
    const [corpus, prepared, synonyms] = await Promise.all([stats(), analyzeText(opts.source.stem, req.question, lang, zhMode), synonymsFor(lang)]);
    const query = buildQuery(prepared, corpus, zhMode, synonyms);
    if (query.terms.length === 0 || corpus.passages === 0) return { passages: [], terms: query.terms };
    const terms = candidateTerms(query.terms, corpus, opts.postingBudget ?? POSTING_BUDGET);
    if (terms.length === 0) return { passages: [], terms: query.terms };
    const rankTerms = query.terms.filter((t) => corpus.df.has(t));
    const rows = await opts.source.candidates({ terms, rankTerms, audiences, limit: opts.candidates ?? 80 });
    const known = knownShare(query);
    const knownWeight = knownWeightShare(query, corpus);
    const han = hanShare(query);
    const scored = rows.map((row) => {
      const s = scorePassage(query, row, corpus);
      const bonus = req.lang && row.language === req.lang ? LANG_BONUS : 0;
      return { row, s, score: s.score + bonus };
    });
    // Each passage's lead over the best passage of any other article.
    const bestByArticle = new Map<string, number>();
    for (const x of scored) bestByArticle.set(x.row.articleId, Math.max(bestByArticle.get(x.row.articleId) ?? 0, x.score));
    const ranked = [...bestByArticle.entries()].sort((a, b) => b[1] - a[1]);
    const otherBest = (articleId: string) => ranked.find(([a]) => a !== articleId)?.[1] ?? 0;
    const signalsOf = new Map<string, ConfidenceSignals>();
    const hits: PassageHit[] = scored.map(({ row, s, score }) => {
      const signals = { body: s.body, heading: s.heading, known, knownWeight, han, margin: score > 0 ? Math.max(0, (score - otherBest(row.articleId)) / score) : 0 };
      signalsOf.set(row.passageId, signals);
      const { terms: _t, headTerms: _h, ...rest } = row;
      return { ...rest, score: +score.toFixed(4), confidence: +calibratedConfidence(signals).toFixed(4) };
    });
    hits.sort((a, b) => b.score - a.score || b.confidence - a.confidence || a.passageId.localeCompare(b.passageId));
    const top = hits[0] ? signalsOf.get(hits[0].passageId) : undefined;
    return { passages: hits.slice(0, Math.max(1, req.limit)), terms: query.terms, ...(top ? { signals: top } : {}) };
  }
}
