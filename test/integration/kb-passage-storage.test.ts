// How passages are stored for the candidate search: ts_rank reads the tsvector of every row the
// rare terms match, so a tsvector past PostgreSQL's usual 2 kB TOAST threshold (a long Chinese
// passage's character bigrams) stays in its row rather than costing a TOAST fetch per read.
// Runs on PGlite, or on the server with TEST_DATABASE_URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, migrate, openDatabase } from '../../server/db/database.ts';
import { importFiles } from '../../server/knowledge/import.ts';
import { createKnowledgeRetriever } from '../../server/knowledge/source.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let test: TestDatabase;
let db: Database;

// 300 distinct Han characters in a row: 299 distinct bigrams, a tsvector of about 3 kB.
const HAN = Array.from({ length: 300 }, (_, i) => String.fromCodePoint(0x4e00 + i * 7)).join('');

beforeAll(async () => {
  test = await createTestDatabase();
  db = await openDatabase(test.database, test.pglite ? { pglite: test.pglite } : {});
  await migrate(db);
  const md = `---\naudience: public\nlanguage: zh\n---\n# 长文\n\n## 第一节\n${HAN}。\n`;
  await db.dataSource.transaction((tx) =>
    importFiles({
      tx,
      actor: { type: 'system', id: 'test' },
      files: [{ path: 'zh/long.md', bytes: new TextEncoder().encode(md) }],
      defaults: { audience: 'public', publish: true },
    }),
  );
});
afterAll(async () => {
  await db?.close();
  await test?.drop();
});

describe('kb_passages storage', () => {
  it('keeps a tsvector larger than 2 kB in its row, with nothing in the TOAST table', async () => {
    const [row] = (await db.dataSource.query(
      `SELECT max(pg_column_size(tsv))::int AS tsv, count(*)::int AS passages FROM kb_passages`,
    )) as { tsv: number; passages: number }[];
    expect(row!.passages).toBeGreaterThan(0);
    expect(row!.tsv).toBeGreaterThan(2100);
    const [toast] = (await db.dataSource.query(
      `SELECT reltoastrelid::regclass::text AS name FROM pg_class WHERE relname = 'kb_passages'`,
    )) as { name: string }[];
    const [chunks] = (await db.dataSource.query(`SELECT count(*)::int AS n FROM ${toast!.name}`)) as { n: number }[];
    expect(chunks!.n).toBe(0);
  });

  it('still finds the passage by a bigram in its middle', async () => {
    const bigram = HAN.slice(150, 152);
    const { passages } = await createKnowledgeRetriever(db.dataSource, { memoEntries: 0 }).search({
      question: bigram,
      lang: 'zh',
      audience: 'public',
      limit: 3,
    });
    expect(passages.map((p) => p.heading)).toContain('第一节');
  });
});
