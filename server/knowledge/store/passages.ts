// The searchable passages of published versions (kb_passages) and the FAQ pairs taken from them
// (kb_faq): the statements that write and re-read them. The search itself is in ../source.ts.
import type { EntityManager } from 'typeorm';

type Tx = Pick<EntityManager, 'query'>;

export interface PassageRow {
  id: string;
  articleId: string;
  versionId: string;
  ordinal: number;
  audience: string;
  language: string;
  title: string;
  heading: string | null;
  body: string;
  headTerms: string;
  terms: string;
}

/** Inserts passages in chunks of 200 rows (a statement's parameters stay well under the limit). */
export async function insertPassages(tx: Tx, rows: PassageRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 200) {
    const values: unknown[] = [];
    const tuples = rows.slice(i, i + 200).map((r) => {
      const cols = [
        r.id,
        r.articleId,
        r.versionId,
        r.ordinal,
        r.audience,
        r.language,
        r.title,
        r.heading,
        r.body,
        r.headTerms,
        r.terms,
      ];
      const base = values.length;
      values.push(...cols);
      return `(${cols.map((_, k) => `$${base + k + 1}`).join(', ')})`;
    });
    await tx.query(
      `INSERT INTO kb_passages (id, article_id, version_id, ordinal, audience, language, title, heading, body, head_terms, terms) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}

export async function insertFaq(
  tx: Tx,
  f: { id: string; articleId: string; versionId: string; passageId: string; question: string; answer: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO kb_faq (id, article_id, version_id, passage_id, question, answer) VALUES ($1, $2, $3, $4, $5, $6)`,
    [f.id, f.articleId, f.versionId, f.passageId, f.question, f.answer],
  );
}

export async function deleteArticlePassages(tx: Tx, articleId: string): Promise<void> {
  await tx.query(`DELETE FROM kb_faq WHERE article_id = $1`, [articleId]);
  await tx.query(`DELETE FROM kb_passages WHERE article_id = $1`, [articleId]);
}

export interface PassageSourceRow {
  id: string;
  articleId: string;
  language: string;
  title: string;
  heading: string | null;
  body: string;
  phrasings: string[] | string;
}

/** Every passage with its version's phrasings, in article then passage order (for re-indexing). */
export async function selectPassagesForIndex(tx: Tx): Promise<PassageSourceRow[]> {
  return (await tx.query(
    `SELECT p.id, p.article_id AS "articleId", p.language, p.title, p.heading, p.body, v.phrasings
       FROM kb_passages p JOIN kb_article_versions v ON v.id = p.version_id ORDER BY p.article_id, p.ordinal`,
  )) as PassageSourceRow[];
}

export async function updatePassageTerms(tx: Tx, id: string, headTerms: string, terms: string): Promise<void> {
  await tx.query(`UPDATE kb_passages SET head_terms = $2, terms = $3 WHERE id = $1`, [id, headTerms, terms]);
}

/** The knowledge base's state as one string: every publish, edit or import moves it. */
export async function selectKnowledgeVersion(tx: Tx): Promise<string> {
  const [row] = (await tx.query(
    `SELECT (SELECT coalesce(max(updated_at)::text, '-') || '/' || count(*) FROM kb_articles) || '/' || (SELECT count(*) FROM kb_passages) AS v`,
  )) as { v: string }[];
  return row?.v ?? '-';
}
