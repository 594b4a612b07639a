// Alternative phrasings: stored with the article version, a change to them is a new version, and a
// question worded like a phrasing finds the article although it shares no word with its text.
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase } from '../db/database.ts';
import { createArticle, updateArticle } from './articles.ts';
import { createKnowledgeRetriever } from './source.ts';

let pglite: PGlite;
let db: Database;
const actor = { type: 'staff' as const, id: 'editor-1' };

beforeAll(async () => {
  pglite = new PGlite();
  db = await openDatabase({ kind: 'pglite', dir: 'memory://' }, { pglite });
  await migrate(db);
});
afterAll(async () => {
  await db.close();
  await pglite.close();
});

const base = {
  category: 'faq' as const,
  audience: 'public' as const,
  language: 'en',
  tags: [],
  owner: null,
  reviewBy: null,
  publish: true,
};
const search = (q: string) =>
  createKnowledgeRetriever(db.dataSource, { memoEntries: 0 }).search({
    question: q,
    lang: 'en',
    audience: 'public',
    limit: 3,
  });

describe('alternative phrasings', () => {
  it('makes an article findable by a way of asking its text does not contain', async () => {
    const { article } = await db.dataSource.transaction((tx) =>
      createArticle({
        tx,
        actor,
        input: {
          ...base,
          slug: 'en/freeze',
          title: 'Freezing a card',
          bodyMd: '## Freeze it\nUse Cards › Freeze in the app.',
        },
      }),
    );
    await db.dataSource.transaction((tx) =>
      createArticle({
        tx,
        actor,
        input: { ...base, slug: 'en/other', title: 'Savings rates', bodyMd: '## Rates\nInterest is paid monthly.' },
      }),
    );
    expect((await search('my wallet was nicked')).passages[0]?.articleId).not.toBe(article.id);

    const { version } = await db.dataSource.transaction((tx) =>
      updateArticle({
        tx,
        actor,
        articleId: article.id,
        input: { phrasings: ['my wallet was nicked'], reason: 'linked an unanswered question', publish: true },
      }),
    );
    expect(version?.versionNo).toBe(2);
    expect(version?.phrasings).toEqual(['my wallet was nicked']);
    expect((await search('somebody nicked my wallet')).passages[0]?.articleId).toBe(article.id);

    // The same phrasings again: no new version.
    const again = await db.dataSource.transaction((tx) =>
      updateArticle({
        tx,
        actor,
        articleId: article.id,
        input: { phrasings: ['my wallet was nicked'], reason: 'no change', publish: true },
      }),
    );
    expect(again.version).toBeNull();
  });
});
