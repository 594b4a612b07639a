// A question spanning two topics, over an in-memory source: the two articles that answer it
// together come first, the second as confident as the first, and an answer quotes each with its
// citation; the first's confidence is its own;
// a question one article answers alone keeps a single-article answer.
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLD, extractiveAnswer } from './answer.ts';
import { calibratedConfidence } from './confidence.ts';
import { createRetriever } from './retriever.ts';
import type { CandidatePassage, PassageSource } from './types.ts';

const passage = (id: string, article: string, title: string, text: string): CandidatePassage => ({
  passageId: id,
  articleId: article,
  versionId: `v-${article}`,
  title,
  heading: null,
  text,
  language: 'en',
  headTerms: title.toLowerCase(),
  terms: `${title} ${text}`.toLowerCase(),
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

const search = (question: string) =>
  createRetriever({ source, memoEntries: 0 }).search({ question, lang: 'en', audience: 'public', limit: 3 });

describe('questions that span two topics', () => {
  it('returns both articles first, the second as confident as the first, and quotes each with its citation', async () => {
    const { passages } = await search('lost card, cancel standing order');
    expect(
      passages
        .slice(0, 2)
        .map((p) => p.articleId)
        .sort(),
    ).toEqual(['lost', 'standing']);
    expect(passages[1]!.confidence).toBe(passages[0]!.confidence);
    // answered at a threshold the first article meets: both quoted
    const answer = extractiveAnswer(passages, { lang: 'en', threshold: passages[0]!.confidence });
    expect(answer.kind).toBe('answer');
    expect(answer.citations.map((c) => c.articleId).sort()).toEqual(['lost', 'standing']);
    expect(answer.text).toContain(`${passages[0]!.text} [1]`);
    expect(answer.text).toContain(`${passages[1]!.text} [2]`);
  });

  it('never makes the first article more confident than it is alone (no "I don\'t know" turns into an answer)', async () => {
    const { passages, signals } = await search('lost card, cancel standing order');
    expect(signals).toBeDefined();
    expect(passages[0]!.confidence).toBeCloseTo(calibratedConfidence(signals!), 4);
    expect(extractiveAnswer(passages, { lang: 'en' }).kind).toBe(
      passages[0]!.confidence >= DEFAULT_THRESHOLD ? 'answer' : 'unknown',
    );
  });

  it('keeps one article when it answers the question alone', async () => {
    const { passages } = await search('how do I cancel a standing order before the payment date');
    expect(passages[0]?.articleId).toBe('standing');
    expect(extractiveAnswer(passages, { lang: 'en' }).citations.map((c) => c.articleId)).toEqual(['standing']);
  });
});
