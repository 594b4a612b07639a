// The retriever over this database: the search statements of store/search.ts, Chinese indexed as
// character bigrams, the synonym lists, and the vector search when an embedding target is set.
import type { DataSource } from 'typeorm';
import {
  createRetriever,
  type Retriever,
  type RetrieverOptions,
  type VectorSearch,
  type ZhMode,
} from '../../gateway/knowledge/index.ts';
import { type Queryable, sqlPassageSource } from './store/search.ts';
import { loadSynonyms } from './synonyms.ts';

/** Chinese in the index as character bigrams: measured better than segmentit on the eval set. */
export const INDEX_ZH_MODE: ZhMode = 'bigram';

/** A retriever over this database with the synonym lists of policies/kb-synonyms.yaml. */
export function createKnowledgeRetriever(db: Queryable, opts: Partial<RetrieverOptions> = {}): Retriever {
  return createRetriever({ source: sqlPassageSource(db), zhMode: INDEX_ZH_MODE, synonyms: loadSynonyms(), ...opts });
}

// One retriever per database, so its cached statistics are shared by every request.
const retrievers = new WeakMap<object, Retriever>();

// The vector search of each database, set when an embedding target is configured (vectors.ts).
const vectorSearches = new WeakMap<object, { search: VectorSearch; onError: (error: unknown) => void }>();

/** Makes `knowledgeFor(dataSource)` hybrid: its searches fuse `search`'s nearest passages in. */
export function useVectorSearch(dataSource: DataSource, search: VectorSearch, onError: (error: unknown) => void): void {
  vectorSearches.set(dataSource, { search, onError });
}

/** The retriever over this database's own connection pool (never call it inside an open PGlite transaction). */
export function knowledgeFor(dataSource: DataSource): Retriever {
  let r = retrievers.get(dataSource);
  if (!r) {
    r = createKnowledgeRetriever(dataSource, {
      vectors: () => vectorSearches.get(dataSource)?.search,
      onVectorError: (error) => vectorSearches.get(dataSource)?.onError(error),
    });
    retrievers.set(dataSource, r);
  }
  return r;
}
