// The searchable form of an article: its published version split into passages, each stored with
// its index terms. Only a published version has passages, so retrieval can never see a draft.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  analyzeTexts,
  PHRASING_SEPARATOR,
  splitMarkdown,
  termsOf,
  type ZhMode,
} from '../../gateway/knowledge/index.ts';
import { INDEX_ZH_MODE } from './source.ts';
import { sqlStemmer } from './store/search.ts';
import {
  deleteArticlePassages,
  insertFaq,
  insertPassages,
  selectPassagesForIndex,
  updatePassageTerms,
} from './store/passages.ts';

export { INDEX_ZH_MODE };

export interface IndexedVersion {
  articleId: string;
  versionId: string;
  category: string;
  audience: string;
  language: string;
  title: string;
  bodyMd: string;
  phrasings?: string[];
}

/** Replaces the article's passages with those of the given version; returns how many. */
export async function indexVersion(tx: Pick<EntityManager, 'query'>, v: IndexedVersion): Promise<number> {
  await unindexArticle(tx, v.articleId);
  const sections = splitMarkdown(v.bodyMd);
  if (sections.length === 0) sections.push({ heading: null, text: v.title });
  const heads = sections.map((s) => [v.title, s.heading ?? ''].join('\n'));
  const analysed = await analyzeTexts(
    sqlStemmer(tx),
    [...heads, ...sections.map((s, i) => `${heads[i]}\n${s.text}`)],
    v.language,
    INDEX_ZH_MODE,
  );
  const rows = sections.map((s, ordinal) => ({
    id: randomUUID(),
    ordinal,
    heading: s.heading,
    body: s.text,
    headTerms: termsOf(analysed[ordinal]!).join(' '),
    terms: termsOf(analysed[sections.length + ordinal]!).join(' '),
  }));
  await attachPhrasings(tx, rows, v.phrasings ?? [], v.language, INDEX_ZH_MODE);
  await insertPassages(
    tx,
    rows.map((r) => ({
      ...r,
      articleId: v.articleId,
      versionId: v.versionId,
      audience: v.audience,
      language: v.language,
      title: v.title,
    })),
  );
  if (v.category === 'faq') {
    for (const r of rows) {
      if (r.heading)
        await insertFaq(tx, {
          id: randomUUID(),
          articleId: v.articleId,
          versionId: v.versionId,
          passageId: r.id,
          question: r.heading,
          answer: r.body,
        });
    }
  }
  return rows.length;
}

/**
 * Each alternative phrasing joins the passage it fits best: its terms join the passage's (so it is
 * found and ranked), and it is kept apart in the head terms after a `|` (so the score reads how
 * well the question matches one phrasing, not a bag of all of them).
 */
async function attachPhrasings(
  tx: Pick<EntityManager, 'query'>,
  rows: { headTerms: string; terms: string }[],
  phrasings: string[],
  language: string,
  mode: ZhMode,
) {
  for (const p of await analyzeTexts(sqlStemmer(tx), phrasings, language, mode)) {
    const terms = termsOf(p);
    const best = bestPassage(terms, rows);
    if (!best || terms.length === 0) continue;
    best.headTerms = `${best.headTerms} ${PHRASING_SEPARATOR} ${terms.join(' ')}`;
    best.terms = `${best.terms} ${terms.join(' ')}`.trim();
  }
}

/** The passage sharing most distinct terms with a phrasing (the first on a tie). */
function bestPassage<T extends { terms: string }>(terms: string[], rows: T[]): T | undefined {
  const wanted = new Set(terms);
  let best: { row: T; n: number } | undefined;
  for (const row of rows) {
    const n = new Set(row.terms.split(' ').filter((t) => wanted.has(t))).size;
    if (!best || n > best.n) best = { row, n };
  }
  return best?.row;
}

export async function unindexArticle(tx: Pick<EntityManager, 'query'>, articleId: string): Promise<void> {
  await deleteArticlePassages(tx, articleId);
}

/** Recomputes every passage's index terms (after a change of tokenizer or Chinese mode). */
export async function reindexPassages(tx: Pick<EntityManager, 'query'>, mode: ZhMode = INDEX_ZH_MODE): Promise<number> {
  const rows = await selectPassagesForIndex(tx);
  const byArticle = new Map<string, { id: string; headTerms: string; terms: string }[]>();
  for (const r of rows) {
    const head = [r.title, r.heading ?? ''].join('\n');
    const [h, all] = await analyzeTexts(sqlStemmer(tx), [head, `${head}\n${r.body}`], r.language, mode);
    const list = byArticle.get(r.articleId) ?? [];
    list.push({ id: r.id, headTerms: termsOf(h!).join(' '), terms: termsOf(all!).join(' ') });
    byArticle.set(r.articleId, list);
  }
  for (const [articleId, list] of byArticle) {
    const first = rows.find((r) => r.articleId === articleId)!;
    const phrasings = Array.isArray(first.phrasings) ? first.phrasings : [];
    await attachPhrasings(tx, list, phrasings, first.language, mode);
    for (const p of list) await updatePassageTerms(tx, p.id, p.headTerms, p.terms);
  }
  return rows.length;
}
