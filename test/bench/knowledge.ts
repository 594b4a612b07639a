// Knowledge-base retrieval: import rate (passages/s) and search latency p50/p99 + queries/s at
// 10,000 passages (1,000 in quick mode), on PGlite and, with a URL, on the PostgreSQL server.
// The corpus is synthetic text drawn from the demo articles' own words (English and Chinese),
// so term statistics look like a real bank's; the questions are the eval set's. The demo articles
// are imported too, and the eval questions' top-1/top-3 over the whole corpus say whether a speed-up
// cost answers at this size (the eval test sees only the demo's few hundred passages). The hybrid
// path's added cost is measured with a loopback embeddings stand-in (kb.search.hybrid).
import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import type { Config } from '../../server/config.ts';
import { migrate, openDatabase } from '../../server/db/database.ts';
import { readImportPath } from '../../server/knowledge/files.ts';
import { importFiles } from '../../server/knowledge/import.ts';
import { DEMO_DIR } from '../../server/knowledge/seed.ts';
import { createKnowledgeRetriever } from '../../server/knowledge/source.ts';
import { embedPassages, vectorIndex } from '../../server/knowledge/vectors.ts';
import { providers } from '../../gateway/providers/index.ts';
import type { Retriever } from '../../gateway/knowledge/index.ts';
import { startEmbeddingsStandIn } from '../support/standins/embeddings.ts';
import { KB_QUESTIONS } from '../fixtures/kb/questions.ts';

type Emit = (row: Record<string, unknown>) => void;

function corpus(passages: number): { path: string; bytes: Uint8Array }[] {
  // English and Chinese demo text only, so the corpus is the same whatever other languages the demo has.
  const text = readImportPath(DEMO_DIR)
    .filter((f) => /^(en|zh|faq)\//.test(f.path.replace(/\\/g, '/')))
    .map((f) => new TextDecoder().decode(f.bytes))
    .join('\n');
  const words = text.match(/[A-Za-z]{3,}/g) ?? ['bank'];
  const han = text.match(/\p{Script=Han}{2,}/gu) ?? ['银行'];
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() ** 1.5 * xs.length)]!; // skewed: some words common, most rare
  const files: { path: string; bytes: Uint8Array }[] = [];
  const sections = 10;
  for (let a = 0; a < passages / sections; a++) {
    const zh = a % 4 === 0;
    const body = Array.from({ length: sections }, (_, s) => {
      const sentence = zh
        ? Array.from({ length: 40 }, () => pick(han)).join('')
        : Array.from({ length: 60 }, () => pick(words)).join(' ');
      return `## ${zh ? pick(han) + pick(han) : `${pick(words)} ${pick(words)}`} ${s}\n${sentence}.`;
    }).join('\n\n');
    files.push({
      path: `bench/article-${a}.md`,
      bytes: new TextEncoder().encode(`---\naudience: public\n---\n# Article ${a}\n\n${body}\n`),
    });
  }
  return files;
}

async function run(target: string, database: Config['database'], passages: number, emit: Emit, quick: boolean) {
  const db = await openDatabase(database);
  try {
    await migrate(db);
    const files = corpus(passages);
    const t0 = performance.now();
    for (let i = 0; i < files.length; i += 100) {
      await db.dataSource.transaction((tx) =>
        importFiles({ tx, actor: { type: 'system', id: 'bench' }, files: files.slice(i, i + 100) }),
      );
    }
    const s = (performance.now() - t0) / 1000;
    emit({
      bench: 'kb.import',
      target,
      articles: files.length,
      passages,
      seconds: +s.toFixed(2),
      passages_per_s: Math.round(passages / s),
    });
    await db.dataSource.transaction((tx) =>
      importFiles({
        tx,
        actor: { type: 'system', id: 'bench' },
        files: readImportPath(DEMO_DIR),
        defaults: { audience: 'public', publish: true },
      }),
    );

    const retriever = createKnowledgeRetriever(db.dataSource, { memoEntries: 0 }); // the product's retriever (synonyms); every search measured, none remembered
    const questions = KB_QUESTIONS.map((q) => q.q);
    const slugs = new Map(
      ((await db.dataSource.query(`SELECT id, slug FROM kb_articles`)) as { id: string; slug: string }[]).map((r) => [
        r.id,
        r.slug,
      ]),
    );
    const answerable = KB_QUESTIONS.filter((q) => q.expect !== null);
    let top1 = 0;
    let top3 = 0;
    for (const q of answerable) {
      const { passages: hits } = await retriever.search({ question: q.q, lang: q.lang, audience: 'public', limit: 10 });
      const articles = [...new Set(hits.map((h) => slugs.get(h.articleId)))];
      if (articles[0] === q.expect) top1++;
      if (articles.slice(0, 3).includes(q.expect ?? undefined)) top3++;
    }
    const lexical = await latency(retriever, questions, quick ? 1 : 5);
    emit({
      bench: 'kb.search',
      target,
      passages,
      queries: lexical.queries,
      concurrency: 1,
      p50_ms: lexical.p50,
      p99_ms: lexical.p99,
      queries_per_s: lexical.qps,
      top1: +(top1 / answerable.length).toFixed(3),
      top3: +(top3 / answerable.length).toFixed(3),
    });

    // The hybrid path with the loopback embeddings stand-in (a round trip per question, then an
    // exact cosine scan of every vector): its cost over the lexical path, not its quality.
    const standIn = await startEmbeddingsStandIn();
    try {
      const embedder = {
        client: providers.openai.create({ apiKey: 'none', baseURL: `${standIn.url}/v1`, locations: ['local'] }),
        model: 'embed-standin',
        location: 'local' as const,
      };
      const t2 = performance.now();
      const embedded = await embedPassages(db.dataSource, embedder);
      emit({
        bench: 'kb.embed',
        target,
        passages: embedded,
        seconds: +((performance.now() - t2) / 1000).toFixed(2),
        embedder: 'loopback stand-in',
      });
      const index = vectorIndex(db.dataSource, embedder);
      const hybrid = await latency(
        createKnowledgeRetriever(db.dataSource, { memoEntries: 0, vectors: () => index }),
        questions,
        quick ? 1 : 5,
      );
      emit({
        bench: 'kb.search.hybrid',
        target,
        passages,
        queries: hybrid.queries,
        p50_ms: hybrid.p50,
        p99_ms: hybrid.p99,
        added_p50_ms: +(hybrid.p50 - lexical.p50).toFixed(2),
        added_p99_ms: +(hybrid.p99 - lexical.p99).toFixed(2),
        queries_per_s: hybrid.qps,
        embedder: 'loopback stand-in',
      });
    } finally {
      await standIn.close();
    }
  } finally {
    await db.close();
  }
}

/** Search latency over the questions, `rounds` times each, after a warm-up. */
async function latency(retriever: Retriever, questions: string[], rounds: number) {
  for (const q of questions.slice(0, 10)) await retriever.search({ question: q, audience: 'public', limit: 5 }); // warm caches
  const latencies: number[] = [];
  const t1 = performance.now();
  for (let r = 0; r < rounds; r++) {
    for (const q of questions) {
      const t = performance.now();
      await retriever.search({ question: q, audience: 'public', limit: 5 });
      latencies.push(performance.now() - t);
    }
  }
  const total = (performance.now() - t1) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => +latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
  return { queries: latencies.length, p50: pct(0.5), p99: pct(0.99), qps: Math.round(latencies.length / total) };
}

export async function benchKnowledge(emit: Emit, opts: { postgresUrl?: string; quick?: boolean }): Promise<void> {
  const passages = opts.quick ? 1000 : 10_000;
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'palisade-bench-kb-'));
  try {
    await run('pglite', { kind: 'pglite', dir: path.join(dir, 'pglite') }, passages, emit, Boolean(opts.quick));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (!opts.postgresUrl) return;
  const name = `palisade_bench_kb_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: opts.postgresUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(opts.postgresUrl);
    url.pathname = `/${name}`;
    await run('postgres', { kind: 'postgres', url: url.toString(), poolSize: 4 }, passages, emit, Boolean(opts.quick));
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
