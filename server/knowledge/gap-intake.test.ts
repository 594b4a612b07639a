// Fail closed: when the redaction engine fails, the gap loop stores nothing — not the question,
// not the feedback count — and says why. The engine is the real one; its analyzer is the part
// that breaks (a recognizer crash), as it could in production. Real database (PGlite or server).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedactionEngine } from '../../gateway/redaction/index.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { type Database, migrate, openDatabase } from '../db/database.ts';
import { loadRedactionPolicy } from '../policies.ts';
import { createArticle } from './articles.ts';
import { noteLowConfidence, submitFeedback } from './gap-intake.ts';
import { questionRedactor } from './redact-question.ts';

let testDb: TestDatabase;
let db: Database;
let article: { id: string; versionId: string };

const broken = questionRedactor(
  createRedactionEngine({
    analyzer: () => Promise.reject(new Error('recognizer crashed')),
    policy: loadRedactionPolicy(),
    hmacKey: new Uint8Array(32).fill(1),
  }),
);
const stored = async () => {
  const [row] = (await db.dataSource.query(
    `SELECT (SELECT count(*) FROM kb_unanswered)::int AS questions, (SELECT count(*) FROM kb_feedback)::int AS feedback`,
  )) as { questions: number; feedback: number }[];
  return row;
};

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await openDatabase(testDb.database, testDb.pglite ? { pglite: testDb.pglite } : {});
  await migrate(db);
  const { article: a, version } = await db.dataSource.transaction((tx) =>
    createArticle({
      tx,
      actor: { type: 'system', id: 'test' },
      input: {
        title: 'Wire fees',
        bodyMd: '## International wires\nAn international wire costs 25.',
        category: 'product',
        audience: 'public',
        language: 'en',
        tags: [],
        owner: null,
        reviewBy: null,
        publish: true,
      },
    }),
  );
  article = { id: a.id, versionId: version.id };
});
afterAll(async () => {
  await db?.close();
  await testDb?.drop();
});

describe('when redaction fails', () => {
  it('refuses thumbs-down feedback with redaction_failed (503) and stores neither question nor count', async () => {
    const attempt = submitFeedback({
      dataSource: db.dataSource,
      redact: broken,
      articleId: article.id,
      versionId: article.versionId,
      helpful: false,
      question: 'Jane Doe jane@example.com: useless',
    });
    await expect(attempt).rejects.toMatchObject({ status: 503, id: 'redaction_failed' });
    expect(await stored()).toEqual({ questions: 0, feedback: 0 });
  });

  it('answers the search but notes no gap, with the reason', async () => {
    const note = await noteLowConfidence({
      dataSource: db.dataSource,
      redact: broken,
      question: 'Jane Doe asks about llama insurance',
      result: { passages: [], terms: [] },
    });
    expect(note).toMatchObject({ recorded: false, error: { id: 'redaction_failed' } });
    expect(await stored()).toEqual({ questions: 0, feedback: 0 });
  });

  it('still counts helpful feedback, which keeps no question and so needs no redaction', async () => {
    await submitFeedback({
      dataSource: db.dataSource,
      redact: broken,
      articleId: article.id,
      versionId: article.versionId,
      helpful: true,
      question: 'Jane Doe: great',
    });
    expect(await stored()).toEqual({ questions: 0, feedback: 1 });
  });
});
