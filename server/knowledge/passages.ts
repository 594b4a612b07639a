// The searchable form of an article: its published version split into passages, each stored with
// its index terms. Only a published version has passages, so retrieval can never see a draft.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { splitMarkdown } from '../../gateway/knowledge/split.ts';
import { analyzeTexts, termsOf } from '../../gateway/knowledge/analyze.ts';
import type { ZhMode } from '../../gateway/knowledge/types.ts';
import { sqlStemmer } from './source.ts';

/** Chinese in the index as character bigrams: measured better than segmentit on the eval set. */
export const INDEX_ZH_MODE: ZhMode = 'bigram';

export interface IndexedVersion {
  articleId: string;
  versionId: string;
  category: string;
  audience: string;
  language: string;
  title: string;
  bodyMd: string;
}

/** Replaces the article's passages with those of the given version; returns how many. */
export async function indexVersion(tx: EntityManager, v: IndexedVersion): Promise<number> {
  await unindexArticle(tx, v.articleId);
  const sections = splitMarkdown(v.bodyMd);
  if (sections.length === 0) sections.push({ heading: null, text: v.title });
  const heads = sections.map((s) => [v.title, s.heading ?? ''].join('\n'));
  const analysed = await analyzeTexts(sqlStemmer(tx), [...heads, ...sections.map((s, i) => `${heads[i]}\n${s.text}`)], v.language, INDEX_ZH_MODE);
  const rows = sections.map((s, ordinal) => ({
    id: randomUUID(),
    ordinal,
    heading: s.heading,
    body: s.text,
    headTerms: termsOf(analysed[ordinal]!).join(' '),
    terms: termsOf(analysed[sections.length + ordinal]!).join(' '),
  }));
  for (let i = 0; i < rows.length; i += 200) {
    const chunk = rows.slice(i, i + 200);
    const values: unknown[] = [];
    const tuples = chunk.map((r) => {
      const cols = [r.id, v.articleId, v.versionId, r.ordinal, v.audience, v.language, v.title, r.heading, r.body, r.headTerms, r.terms];
      const base = values.length;
      values.push(...cols);
      return `(${cols.map((_, k) => `$${base + k + 1}`).join(', ')})`;
    });
    await tx.query(
      `INSERT INTO kb_passages (id, article_id, version_id, ordinal, audience, language, title, heading, body, head_terms, terms) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
  if (v.category === 'faq') {
    for (const r of rows) {
      if (!r.heading) continue;
      await tx.query(`INSERT INTO kb_faq (id, article_id, version_id, passage_id, question, answer) VALUES ($1, $2, $3, $4, $5, $6)`, [
        randomUUID(), v.articleId, v.versionId, r.id, r.heading, r.body,
      ]);
    }
  }
  return rows.length;
}

export async function unindexArticle(tx: EntityManager, articleId: string): Promise<void> {
  await tx.query(`DELETE FROM kb_faq WHERE article_id = $1`, [articleId]);
  await tx.query(`DELETE FROM kb_passages WHERE article_id = $1`, [articleId]);
}

/** Recomputes every passage's index terms (after a change of tokenizer or Chinese mode). */
export async function reindexPassages(tx: Pick<EntityManager, 'query'>, mode: ZhMode = INDEX_ZH_MODE): Promise<number> {
  const rows = (await tx.query(`SELECT id, language, title, heading, body FROM kb_passages`)) as { id: string; language: string; title: string; heading: string | null; body: string }[];
  for (const r of rows) {
    const head = [r.title, r.heading ?? ''].join('\n');
    const [h, all] = await analyzeTexts(sqlStemmer(tx), [head, `${head}\n${r.body}`], r.language, mode);
    await tx.query(`UPDATE kb_passages SET head_terms = $2, terms = $3 WHERE id = $1`, [r.id, termsOf(h!).join(' '), termsOf(all!).join(' ')]);
  }
  return rows.length;
}
