// Retrieval quality on the question set (test/fixtures/kb/questions.ts) over the demo knowledge
// base: top-1 / top-3 article hit rates per language, and how well "I don't know" is used.
import { DEFAULT_THRESHOLD } from '../../gateway/knowledge/answer.ts';
import { createRetriever } from '../../gateway/knowledge/retriever.ts';
import type { ZhMode } from '../../gateway/knowledge/types.ts';
import { type Database, migrate, openDatabase } from '../../server/db/database.ts';
import { createLogger } from '../../server/logger.ts';
import { reindexPassages } from '../../server/knowledge/passages.ts';
import { seedDemoKnowledge } from '../../server/knowledge/seed.ts';
import { sqlPassageSource } from '../../server/knowledge/store/search.ts';
import { KB_QUESTIONS, type KbQuestion } from '../fixtures/kb/questions.ts';
import { createTestDatabase } from './database.ts';
import { PassThrough } from 'node:stream';

export interface LangScore {
  questions: number;
  top1: number;
  top3: number;
}

export interface KbEvalResult {
  zhMode: ZhMode;
  threshold: number;
  en: LangScore;
  zh: LangScore;
  /** unanswerable questions that got "I don't know" / all unanswerable */
  abstainOnUnanswerable: number;
  unanswerable: number;
  /** answerable questions wrongly answered "I don't know" / all answerable */
  falseAbstain: number;
  /** of all "I don't know" answers, the share that were right to abstain */
  abstainPrecision: number;
  misses: { q: string; expect: string | null; got: string[]; confidence: number }[];
  /** every question with what it got, for threshold sweeps */
  items: { q: string; lang: string; expect: string | null; got: string[]; confidence: number }[];
}

/**
 * A database migrated and seeded with the demo bank's articles (in-memory PGlite, or a fresh
 * database on the PostgreSQL server named by TEST_DATABASE_URL); `use` runs on it, then it is dropped.
 */
export async function withDemoKnowledge<T>(use: (db: Database) => Promise<T>): Promise<T> {
  const test = await createTestDatabase();
  const db = await openDatabase(test.database, test.pglite ? { pglite: test.pglite } : {});
  try {
    await migrate(db);
    await seedDemoKnowledge(db.dataSource, createLogger({ level: 'error', stream: new PassThrough() }));
    return await use(db);
  } finally {
    await db.close();
    await test.drop();
  }
}

export async function runKbEval(
  opts: { zhMode?: ZhMode; threshold?: number; questions?: KbQuestion[] } = {},
): Promise<KbEvalResult> {
  const zhMode = opts.zhMode ?? 'bigram';
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  return withDemoKnowledge(async (db) => {
    if (zhMode !== 'bigram') await db.dataSource.transaction((tx) => reindexPassages(tx, zhMode));
    const slugs = new Map(
      ((await db.dataSource.query(`SELECT id, slug FROM kb_articles`)) as { id: string; slug: string }[]).map((r) => [
        r.id,
        r.slug,
      ]),
    );
    const retriever = createRetriever({ source: sqlPassageSource(db.dataSource), zhMode, memoEntries: 0 });
    const score = { en: { questions: 0, top1: 0, top3: 0 }, zh: { questions: 0, top1: 0, top3: 0 } };
    let unanswerable = 0;
    let abstainedRight = 0;
    let abstainedWrong = 0;
    const misses: KbEvalResult['misses'] = [];
    const items: KbEvalResult['items'] = [];
    for (const item of opts.questions ?? KB_QUESTIONS) {
      const { passages } = await retriever.search({ question: item.q, lang: item.lang, audience: 'public', limit: 10 });
      const articles = [...new Set(passages.map((p) => slugs.get(p.articleId) ?? '?'))];
      const confidence = passages[0]?.confidence ?? 0;
      const abstains = confidence < threshold;
      items.push({ q: item.q, lang: item.lang, expect: item.expect, got: articles.slice(0, 3), confidence });
      if (item.expect === null) {
        unanswerable++;
        if (abstains) abstainedRight++;
        else misses.push({ q: item.q, expect: null, got: articles.slice(0, 3), confidence });
        continue;
      }
      const s = score[item.lang];
      s.questions++;
      if (articles[0] === item.expect) s.top1++;
      if (articles.slice(0, 3).includes(item.expect)) s.top3++;
      if (abstains) abstainedWrong++;
      if (articles[0] !== item.expect || abstains)
        misses.push({ q: item.q, expect: item.expect, got: articles.slice(0, 3), confidence });
    }
    const rate = (n: number, d: number) => (d ? n / d : 0);
    const answerable = score.en.questions + score.zh.questions;
    return {
      zhMode,
      threshold,
      en: {
        questions: score.en.questions,
        top1: rate(score.en.top1, score.en.questions),
        top3: rate(score.en.top3, score.en.questions),
      },
      zh: {
        questions: score.zh.questions,
        top1: rate(score.zh.top1, score.zh.questions),
        top3: rate(score.zh.top3, score.zh.questions),
      },
      abstainOnUnanswerable: rate(abstainedRight, unanswerable),
      unanswerable,
      falseAbstain: rate(abstainedWrong, answerable),
      abstainPrecision: rate(abstainedRight, abstainedRight + abstainedWrong),
      misses,
      items,
    };
  });
}

export function formatKbEval(r: KbEvalResult): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return [
    `[kb-eval] zh=${r.zhMode} threshold=${r.threshold}`,
    `  en: top-1 ${pct(r.en.top1)}  top-3 ${pct(r.en.top3)}  (${r.en.questions} questions)`,
    `  zh: top-1 ${pct(r.zh.top1)}  top-3 ${pct(r.zh.top3)}  (${r.zh.questions} questions)`,
    `  "I don't know" on unanswerable: ${pct(r.abstainOnUnanswerable)} of ${r.unanswerable}; false "I don't know" on answerable: ${pct(r.falseAbstain)}; precision of "I don't know": ${pct(r.abstainPrecision)}`,
  ].join('\n');
}
