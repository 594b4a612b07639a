// Shapes shared by the knowledge base's retrieval core and its callers (the server's store, the
// gateway's providers). No database or HTTP types here: a PassageSource is whatever can find rows.
import type { ConfidenceSignals } from './confidence.ts';

export const AUDIENCES = ['public', 'internal'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** How Chinese text (no spaces between words) becomes index terms. */
export type ZhMode = 'bigram' | 'segment';

export interface SearchRequest {
  question: string;
  /** a language hint ('en', 'zh', …); passages in it win ties */
  lang?: string;
  /** 'public' for visitors; agents may also read 'internal' */
  audience: Audience | Audience[];
  limit: number;
}

/** One passage of a published article version, as retrieval returns it. */
export interface PassageHit {
  passageId: string;
  articleId: string;
  versionId: string;
  title: string;
  heading: string | null;
  text: string;
  language: string;
  /** ranking score (BM25 over the question's terms, heading and title boosted) */
  score: number;
  /** 0..1: how much of the question (weighted by term rarity) this passage covers; the abstain signal */
  confidence: number;
}

export interface SearchResult {
  passages: PassageHit[];
  /** the question's index terms after normalisation and typo correction (for previews and logs) */
  terms: string[];
  /** what the first passage's confidence was computed from (for calibration and previews) */
  signals?: ConfidenceSignals;
}

/** What the gateway's extractive provider and prompt builder call. */
export interface KnowledgeSearch {
  search(req: SearchRequest): Promise<SearchResult>;
}

/** A candidate row the store found for some of the query's terms. */
export interface CandidatePassage extends Omit<PassageHit, 'score' | 'confidence'> {
  /** index terms of title + heading, space separated */
  headTerms: string;
  /** index terms of the whole passage (title, heading and body), space separated */
  terms: string;
}

export interface CorpusStats {
  passages: number;
  avgTerms: number;
  /** document frequency: passages containing each term */
  df: Map<string, number>;
  /** the same per text-search configuration of the passages ('english', 'german', …): typo correction stays in the question's analyser */
  byConfig?: Map<string, Map<string, number>>;
}

/** The store the retriever reads: full-text candidates and corpus statistics. */
export interface PassageSource {
  /** passages holding any of `terms`, the best `limit` by how many of `rankTerms` (default: `terms`) they hold */
  candidates(q: {
    terms: string[];
    rankTerms?: string[];
    audiences: Audience[];
    limit: number;
  }): Promise<CandidatePassage[]>;
  stats(): Promise<CorpusStats>;
  /** the passages with these ids and one of the audiences (the vector list's rows the lexical one lacks) */
  byIds?(q: { ids: string[]; audiences: Audience[] }): Promise<CandidatePassage[]>;
  /** the database's Snowball stemmers (see analyze.ts); without it, the light English stemmer */
  stem?: Stemmer;
}

/**
 * Dense retrieval: the question embedded by a model, its nearest passages by cosine similarity
 * (server/knowledge/vectors.ts). The retriever fuses them with the lexical list; without one, or
 * when it fails, retrieval is lexical only.
 */
export interface VectorSearch {
  nearest(q: {
    question: string;
    lang?: string;
    audiences: Audience[];
    limit: number;
  }): Promise<{ passageId: string; similarity: number }[]>;
  /** the knowledge base changed: vectors read before are stale */
  invalidate?(): void;
}

/** What a support team files articles under. */
export const CATEGORIES = ['product', 'faq', 'case', 'policy', 'technical', 'announcement'] as const;
export type Category = (typeof CATEGORIES)[number];

/** Distinct words → their lexemes (none for a stop word) under a text-search configuration. */
export type Stemmer = (words: string[], config: string) => Promise<Map<string, string[]>>;
