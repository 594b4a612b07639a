// The retriever's hybrid path over an in-memory source: the vector list's passages fused with the
// lexical ones by rank, vector-only rows fetched by id, and a failing vector search leaving the
// search lexical.
import { describe, expect, it } from 'vitest';
import { createRetriever } from './retriever.ts';
import type { CandidatePassage, PassageSource, VectorSearch } from './types.ts';

const passage = (id: string, text: string): CandidatePassage => ({
  passageId: id,
  articleId: `a-${id}`,
  versionId: `v-${id}`,
  title: id,
  heading: null,
  text,
  language: 'en',
  headTerms: id,
  terms: text,
});
const rows = [
  passage('p1', 'mortgage payment date'),
  passage('p2', 'card freeze app'),
  passage('p3', 'savings bonus interest'),
];

const source: PassageSource = {
  async candidates({ terms }) {
    return rows.filter((r) => terms.some((t) => r.terms.split(' ').includes(t)));
  },
  async byIds({ ids }) {
    return rows.filter((r) => ids.includes(r.passageId));
  },
  async stats() {
    const df = new Map<string, number>();
    for (const r of rows) for (const t of new Set(r.terms.split(' '))) df.set(t, (df.get(t) ?? 0) + 1);
    return { passages: rows.length, avgTerms: 3, df };
  },
};

const near = (ids: string[]): VectorSearch => ({
  nearest: async () => ids.map((passageId, i) => ({ passageId, similarity: 1 - i / 10 })),
});

describe('hybrid retrieval', () => {
  it('finds a passage that shares no word with the question through the vector list', async () => {
    const lexical = createRetriever({ source, memoEntries: 0 });
    expect((await lexical.search({ question: 'zinnia reward', audience: 'public', limit: 3 })).passages).toEqual([]);
    const hybrid = createRetriever({ source, memoEntries: 0, vectors: () => near(['p3', 'p1']) });
    expect(
      (await hybrid.search({ question: 'zinnia reward', audience: 'public', limit: 3 })).passages.map(
        (p) => p.passageId,
      ),
    ).toEqual(['p3', 'p1']);
  });

  it('ranks a passage both lists found above one only the vector list put first', async () => {
    const hybrid = createRetriever({ source, memoEntries: 0, vectors: () => near(['p3', 'p2']) });
    const { passages } = await hybrid.search({ question: 'card', audience: 'public', limit: 3 });
    expect(passages.map((p) => p.passageId)).toEqual(['p2', 'p3']);
  });

  it('searches lexically when the vector search fails, and reports the failure', async () => {
    const failures: unknown[] = [];
    const failing: VectorSearch = { nearest: async () => Promise.reject(new Error('down')) };
    const hybrid = createRetriever({
      source,
      memoEntries: 0,
      vectors: () => failing,
      onVectorError: (e) => failures.push(e),
    });
    expect(
      (await hybrid.search({ question: 'mortgage payment', audience: 'public', limit: 3 })).passages[0]?.passageId,
    ).toBe('p1');
    expect(failures).toHaveLength(1);
  });
});
