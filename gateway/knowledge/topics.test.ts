// A question spanning two topics, over an in-memory source: the two articles that answer it
// together come first, both confident, and the extractive answer quotes each with its citation;
// a question one article answers alone keeps a single-article answer.
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, extractiveAnswer } from './answer.ts';
import { createRetriever } from './retriever.ts';
import type { CandidatePassage, PassageSource } from './types.ts';

const passage = (id: string, article: string, title: string, text: string): CandidatePassage => ({
  passageId: id, articleId: article, versionId: `v-${article}`, title, heading: null, text, language: 'en', headTerms: title.toLowerCase(), terms: `${title} ${text}`.toLowerCase(),
});
const rows = [
  passage('p1', 'lost', 'lost card', 'report a lost card in the app and we block it at once'),
  passage('p2', 'standing', 'standing order', 'cancel a standing order in online banking before the payment date'),
  passage('p3', 'mortgage', 'mortgage rates', 'mortgage rates are fixed for five or ten years'),
  passage('p4', 'abroad', 'card abroad', 'your card works abroad in every country with the visa sign'),
];

const source: PassageSource = {
  async candidates({ terms }) {
    return rows.filter((r) => terms.some((t) => r.terms.split(' ').includes(t)));
  },
  async stats() {
    const df = new Map<string, number>();
    for (const r of rows) for (const t of new Set(r.terms.split(' '))) df.set(t, (df.get(t) ?? 0) + 1);
    return { passages: rows.length, avgTerms: 10, df };
  },
};

const search = (question: string) => createRetriever({ source, memoEntries: 0 }).search({ question, lang: 'en', audience: 'public', limit: 3 });

describe('questions that span two topics', () => {
  it('returns both articles, confident, and quotes each with its citation', async () => {
    const { passages } = await search('lost card, cancel standing order');
    expect(passages.slice(0, 2).map((p) => p.articleId).sort()).toEqual(['lost', 'standing']);
    expect(passages.slice(0, 2).every((p) => p.confidence >= DEFAULT_THRESHOLD)).toBe(true);
    const answer = extractiveAnswer(passages, { lang: 'en' });
    expect(answer.kind).toBe('answer');
    expect(answer.citations.map((c) => c.articleId).sort()).toEqual(['lost', 'standing']);
    expect(answer.text).toContain('[1]');
    expect(answer.text).toContain('[2]');
  });

  it('keeps one article when it answers the question alone', async () => {
    const { passages } = await search('how do I cancel a standing order before the payment date');
    expect(passages[0]?.articleId).toBe('standing');
    expect(extractiveAnswer(passages, { lang: 'en' }).citations.map((c) => c.articleId)).toEqual(['standing']);
  });
});
