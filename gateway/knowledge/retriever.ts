// The knowledge base's search: question → weighted terms (typo-corrected against the index's
// vocabulary) → full-text candidates from the store (for the question's rarer terms, see
// candidates.ts) → BM25 + coverage scores over all its terms. Corpus statistics are cached: read
// afresh after `invalidate()` (on every publish), and after `statsTtlMs` refreshed in the background
// while the old ones serve. Results are remembered
// the same way (one search for the chat's sources and the extractive answer to the same question;
// concurrent identical searches share one query), keyed by a hash of the request, never its text.
// With a vector search configured the question's nearest passages are fetched alongside and the two
// lists fused by rank (fusion.ts); confidence stays the calibrated lexical model's either way.
import { createHash } from 'node:crypto';
import { candidateTerms, POSTING_BUDGET } from './candidates.ts';
import { analyzeText, analyzeTexts } from './analyze.ts';
import { questionLanguage, tsConfigOf } from './language.ts';
import { searchableQuestion } from './instructions.ts';
import { BUILTIN_SYNONYMS, buildQuery, hanSynonyms, type Query, synonymMap, type SynonymMap } from './query.ts';
import { reciprocalRankFusion } from './fusion.ts';
import { topicPair } from './topics.ts';
import { calibratedConfidence, type ConfidenceSignals } from './confidence.ts';
import { hanShare, knownShare, knownWeightShare, lengthShare, scorePassage } from './score.ts';
import type {
  Audience,
  CandidatePassage,
  CorpusStats,
  KnowledgeSearch,
  PassageHit,
  PassageSource,
  SearchRequest,
  SearchResult,
  VectorSearch,
  ZhMode,
} from './types.ts';

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
  /** the vector search in force (read per search: it is configured after the retriever exists) */
  vectors?: () => VectorSearch | undefined;
  /** a failed vector search (the search goes on lexical only); gets the error, never the question */
  onVectorError?: (error: unknown) => void;
}

export interface Retriever extends KnowledgeSearch {
  /** drop cached statistics (call after publishing or unpublishing) */
  invalidate(): void;
  zhMode: ZhMode;
}

const LANG_BONUS = 0.05;
/** nearest passages the vector search contributes to the fusion */
const VECTOR_NEIGHBOURS = 20;

export function createRetriever(opts: RetrieverOptions): Retriever {
  const zhMode = opts.zhMode ?? 'bigram';
  const ttl = opts.statsTtlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  let cached: { stats: Promise<CorpusStats>; at: number } | undefined;
  const memoEntries = opts.memoEntries ?? 2000;
  const memo = new Map<string, { result: Promise<SearchResult>; at: number }>();

  // Chinese synonyms are matched as written (bigram mode); the others' groups are stemmed by the
  // same analyser as the index, once per language.
  const zhSynonyms = zhMode === 'bigram' ? hanSynonyms(opts.synonyms?.zh ?? []) : [];
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
      refreshing = next
        .then(
          () => {
            if (cached === stale) cached = { stats: next, at: now() };
          },
          () => undefined,
        )
        .finally(() => (refreshing = undefined));
    }
    return cached.stats;
  };

  return {
    zhMode,
    invalidate: () => {
      cached = undefined;
      refreshing = undefined;
      memo.clear();
      opts.vectors?.()?.invalidate?.();
    },
    search(req: SearchRequest): Promise<SearchResult> {
      if (memoEntries === 0) return search(req);
      const key = createHash('sha256')
        .update(JSON.stringify([req.question, req.lang ?? null, req.audience, req.limit]))
        .digest('base64');
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

  /** The vector list, or none: a failing vector search leaves the search lexical. */
  function nearest(
    question: string,
    lang: string,
    audiences: Audience[],
  ): Promise<{ passageId: string; similarity: number }[]> {
    const vectors = opts.vectors?.();
    if (!vectors) return Promise.resolve([]);
    return vectors.nearest({ question, lang, audiences, limit: VECTOR_NEIGHBOURS }).catch((error: unknown) => {
      opts.onVectorError?.(error);
      return [];
    });
  }

  async function search(req: SearchRequest): Promise<SearchResult> {
    const audiences: Audience[] = Array.isArray(req.audience) ? req.audience : [req.audience];
    // Clauses that try to instruct the assistant name nothing the knowledge base holds.
    const question = searchableQuestion(req.question);
    const lang = questionLanguage(question, req.lang);
    const near = nearest(question, lang, audiences);
    const [corpus, prepared, synonyms] = await Promise.all([
      stats(),
      analyzeText(opts.source.stem, question, lang, zhMode),
      synonymsFor(lang),
    ]);
    const query = buildQuery(prepared, corpus, zhMode, synonyms, tsConfigOf(lang), zhSynonyms);
    const terms =
      query.terms.length > 0 && corpus.passages > 0
        ? candidateTerms(query.terms, corpus, opts.postingBudget ?? POSTING_BUDGET)
        : [];
    const rankTerms = query.terms.filter((t) => corpus.df.has(t));
    const lexical = terms.length
      ? await opts.source.candidates({ terms, rankTerms, audiences, limit: opts.candidates ?? 80 })
      : [];
    const vector = await near;
    const rows = [...lexical, ...(await vectorOnlyRows(lexical, vector, audiences))];
    if (rows.length === 0) return { passages: [], terms: query.terms };
    const known = knownShare(query);
    const knownWeight = knownWeightShare(query, corpus);
    const han = hanShare(query);
    const length = lengthShare(query);
    const scored = rows.map((row) => {
      const s = scorePassage(query, row, corpus);
      const bonus = req.lang && row.language === req.lang ? LANG_BONUS : 0;
      return { row, s, score: s.score + bonus };
    });
    // Each passage's lead over the best passage of any other article.
    const bestByArticle = new Map<string, number>();
    for (const x of scored)
      bestByArticle.set(x.row.articleId, Math.max(bestByArticle.get(x.row.articleId) ?? 0, x.score));
    const ranked = [...bestByArticle.entries()].sort((a, b) => b[1] - a[1]);
    const otherBest = (articleId: string) => ranked.find(([a]) => a !== articleId)?.[1] ?? 0;
    const signalsOf = new Map<string, ConfidenceSignals>();
    const hits: PassageHit[] = scored.map(({ row, s, score }) => {
      const signals = {
        body: s.body,
        heading: s.heading,
        known,
        knownWeight,
        han,
        length,
        margin: score > 0 ? Math.max(0, (score - otherBest(row.articleId)) / score) : 0,
      };
      signalsOf.set(row.passageId, signals);
      const { terms: _t, headTerms: _h, ...rest } = row;
      return { ...rest, score: +score.toFixed(4), confidence: +calibratedConfidence(signals).toFixed(4) };
    });
    // Ties fall to the passage's own words, not its random id: the same knowledge base answers the
    // same question the same way on every install.
    hits.sort(
      (a, b) =>
        b.score - a.score ||
        b.confidence - a.confidence ||
        a.title.localeCompare(b.title) ||
        a.text.localeCompare(b.text) ||
        a.passageId.localeCompare(b.passageId),
    );
    if (vector.length) {
      // Only the lexical candidates hold a lexical rank (the vector list's other rows score 0 there).
      const found = new Set(lexical.map((r) => r.passageId));
      const lexicalOrder = hits.filter((h) => found.has(h.passageId)).map((h) => h.passageId);
      const order = new Map(
        reciprocalRankFusion([lexicalOrder, vector.map((v) => v.passageId)]).map((id, i) => [id, i]),
      );
      hits.sort((a, b) => (order.get(a.passageId) ?? order.size) - (order.get(b.passageId) ?? order.size));
    }
    answerTwoTopics(query, hits, rows, signalsOf);
    const top = hits[0] ? signalsOf.get(hits[0].passageId) : undefined;
    return { passages: hits.slice(0, Math.max(1, req.limit)), terms: query.terms, ...(top ? { signals: top } : {}) };
  }

  /** Rows of the vector list's passages the lexical candidates lack (their lexical scores are computed like the others'). */
  async function vectorOnlyRows(
    lexical: CandidatePassage[],
    vector: { passageId: string }[],
    audiences: Audience[],
  ): Promise<CandidatePassage[]> {
    const have = new Set(lexical.map((r) => r.passageId));
    const ids = vector.map((v) => v.passageId).filter((id) => !have.has(id));
    if (ids.length === 0 || !opts.source.byIds) return [];
    return opts.source.byIds({ ids, audiences }).catch((error: unknown) => {
      opts.onVectorError?.(error);
      return [];
    });
  }
}

/**
 * A question two articles answer together (topics.ts): the second's best passage moves up to
 * second place with the first's confidence, so an answer quotes each with its citation. The
 * first's own confidence still decides whether there is an answer: a pair of half-fits never
 * turns an "I don't know" into an answer (measured: it did, on unanswerable questions).
 */
function answerTwoTopics(
  query: Query,
  hits: PassageHit[],
  rows: CandidatePassage[],
  signalsOf: Map<string, ConfidenceSignals>,
): void {
  const termsOf = new Map(rows.map((r) => [r.passageId, r.terms]));
  const pair = topicPair(
    query,
    hits.map((h) => ({
      passageId: h.passageId,
      articleId: h.articleId,
      terms: termsOf.get(h.passageId) ?? '',
      score: h.score,
      signals: signalsOf.get(h.passageId)!,
    })),
  );
  if (!pair) return;
  const at = hits.findIndex((h) => h.passageId === pair.second);
  const [second] = hits.splice(at, 1);
  hits.splice(1, 0, second!);
  second!.confidence = Math.max(second!.confidence, hits[0]!.confidence);
}
