// Articles and their immutable versions: the rows, and every statement that reads or writes
// kb_articles and kb_article_versions. Services decide; this file only speaks SQL.
import type { EntityManager } from 'typeorm';
import type { KB_AUDIENCES, KB_CATEGORIES } from '../../../protocol/knowledge.ts';
import { isUniqueViolation, withSavepoint } from '../../db/results.ts';

type Tx = Pick<EntityManager, 'query'>;

export interface ArticleRow {
  id: string;
  slug: string;
  /** the table's CHECK constraints hold these to the protocol's lists */
  category: (typeof KB_CATEGORIES)[number];
  audience: (typeof KB_AUDIENCES)[number];
  language: string;
  tags: string[];
  owner: string | null;
  reviewBy: string | null;
  title: string;
  latestVersionNo: number;
  publishedVersionId: string | null;
  publishedVersionNo: number | null;
  archivedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface VersionRow {
  id: string;
  articleId: string;
  versionNo: number;
  title: string;
  bodyMd: string;
  /** other ways customers ask what this version answers (searchable, never shown as an answer) */
  phrasings: string[];
  reason: string | null;
  authorType: string;
  authorId: string;
  restoredFrom: string | null;
  createdAt: Date;
}

const ARTICLE_COLUMNS = `a.id, a.slug, a.category, a.audience, a.language, a.tags, a.owner, to_char(a.review_by, 'YYYY-MM-DD') AS "reviewBy", a.title,
  a.latest_version_no AS "latestVersionNo", a.published_version_id AS "publishedVersionId",
  (SELECT version_no FROM kb_article_versions pv WHERE pv.id = a.published_version_id) AS "publishedVersionNo",
  a.archived_at AS "archivedAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

const VERSION_COLUMNS = `v.id, v.article_id AS "articleId", v.version_no AS "versionNo", v.title, v.body_md AS "bodyMd", v.phrasings, v.reason,
  v.author_type AS "authorType", v.author_id AS "authorId", v.restored_from AS "restoredFrom", v.created_at AS "createdAt"`;

export async function selectArticle(tx: Tx, articleId: string, lock = false): Promise<ArticleRow | null> {
  const [row] = (await tx.query(
    `SELECT ${ARTICLE_COLUMNS} FROM kb_articles a WHERE a.id = $1${lock ? ' FOR UPDATE' : ''}`,
    [articleId],
  )) as ArticleRow[];
  return row ?? null;
}

export async function selectArticleBySlug(
  tx: Tx,
  slug: string,
): Promise<{ id: string; archivedAt: Date | null; publishedVersionId: string | null } | null> {
  const [row] = (await tx.query(
    `SELECT id, archived_at AS "archivedAt", published_version_id AS "publishedVersionId" FROM kb_articles WHERE slug = $1`,
    [slug],
  )) as {
    id: string;
    archivedAt: Date | null;
    publishedVersionId: string | null;
  }[];
  return row ?? null;
}

export async function selectVersion(tx: Tx, articleId: string, versionId: string): Promise<VersionRow | null> {
  const [row] = (await tx.query(
    `SELECT ${VERSION_COLUMNS} FROM kb_article_versions v WHERE v.id = $1 AND v.article_id = $2`,
    [versionId, articleId],
  )) as VersionRow[];
  return row ?? null;
}

export async function selectLatestVersion(tx: Tx, articleId: string): Promise<VersionRow | null> {
  const [row] = (await tx.query(
    `SELECT ${VERSION_COLUMNS} FROM kb_article_versions v WHERE v.article_id = $1 ORDER BY v.version_no DESC LIMIT 1`,
    [articleId],
  )) as VersionRow[];
  return row ?? null;
}

export async function selectHistory(tx: Tx, articleId: string): Promise<VersionRow[]> {
  return (await tx.query(
    `SELECT ${VERSION_COLUMNS} FROM kb_article_versions v WHERE v.article_id = $1 ORDER BY v.version_no DESC`,
    [articleId],
  )) as VersionRow[];
}

export async function versionExists(tx: Tx, articleId: string, versionId: string): Promise<boolean> {
  const [known] = (await tx.query(`SELECT 1 AS ok FROM kb_article_versions WHERE id = $1 AND article_id = $2`, [
    versionId,
    articleId,
  ])) as unknown[];
  return known !== undefined;
}

export type NewArticle = Pick<
  ArticleRow,
  'id' | 'slug' | 'category' | 'audience' | 'language' | 'tags' | 'owner' | 'reviewBy' | 'title'
>;

/** Inserts the article row; false when the slug is taken (the transaction stays usable). */
export async function insertArticle(tx: Tx, a: NewArticle): Promise<boolean> {
  try {
    await withSavepoint(tx, 'kb_create_article', () =>
      tx.query(
        `INSERT INTO kb_articles (id, slug, category, audience, language, tags, owner, review_by, title) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [a.id, a.slug, a.category, a.audience, a.language, a.tags, a.owner, a.reviewBy, a.title],
      ),
    );
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

export type NewVersion = Pick<
  VersionRow,
  'id' | 'articleId' | 'versionNo' | 'title' | 'bodyMd' | 'phrasings' | 'reason' | 'restoredFrom'
> & {
  author: { type: string; id: string };
};

/** Adds a version and makes it the article's latest (its title becomes the article's). */
export async function insertVersion(tx: Tx, v: NewVersion): Promise<void> {
  await tx.query(
    `INSERT INTO kb_article_versions (id, article_id, version_no, title, body_md, phrasings, reason, author_type, author_id, restored_from) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      v.id,
      v.articleId,
      v.versionNo,
      v.title,
      v.bodyMd,
      v.phrasings,
      v.reason,
      v.author.type,
      v.author.id,
      v.restoredFrom,
    ],
  );
  await tx.query(`UPDATE kb_articles SET latest_version_no = $2, title = $3, updated_at = now() WHERE id = $1`, [
    v.articleId,
    v.versionNo,
    v.title,
  ]);
}

/** The metadata an edit may change, by column. */
export interface ArticleMetadata {
  category?: string;
  audience?: string;
  language?: string;
  tags?: string[];
  owner?: string | null;
  review_by?: string | null;
}
const METADATA_COLUMNS = new Set(['category', 'audience', 'language', 'tags', 'owner', 'review_by']);

export async function updateMetadata(
  tx: Tx,
  articleId: string,
  changed: [keyof ArticleMetadata, unknown][],
): Promise<void> {
  for (const [column, value] of changed) {
    if (!METADATA_COLUMNS.has(column)) throw new Error(`not an article metadata column: ${column}`);
    await tx.query(`UPDATE kb_articles SET ${column} = $2, updated_at = now() WHERE id = $1`, [articleId, value]);
  }
}

export async function setPublishedVersion(tx: Tx, articleId: string, versionId: string): Promise<void> {
  await tx.query(`UPDATE kb_articles SET published_version_id = $2, updated_at = now() WHERE id = $1`, [
    articleId,
    versionId,
  ]);
}

/** No published version any more; archiving also stamps archived_at (once). */
export async function clearPublished(tx: Tx, articleId: string, archive: boolean): Promise<void> {
  await tx.query(
    `UPDATE kb_articles SET published_version_id = NULL, archived_at = CASE WHEN $2 THEN coalesce(archived_at, now()) ELSE archived_at END, updated_at = now() WHERE id = $1`,
    [articleId, archive],
  );
}

/** What the article list filters on (the API's query, validated by the service's schema). */
export interface ArticleFilter {
  category?: string;
  audience?: string;
  language?: string;
  reviewDue?: boolean;
  archived: boolean;
  limit: number;
  offset: number;
  allowedAudiences: string[];
  /** YYYY-MM-DD: a review date before it is due */
  today: string;
}

export async function selectArticles(tx: Tx, q: ArticleFilter): Promise<ArticleRow[]> {
  const where = ['a.audience = ANY($1::text[])', q.archived ? 'a.archived_at IS NOT NULL' : 'a.archived_at IS NULL'];
  const params: unknown[] = [q.allowedAudiences];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.category) add('a.category = ?', q.category);
  if (q.audience) add('a.audience = ?', q.audience);
  if (q.language) add('a.language = ?', q.language);
  if (q.reviewDue !== undefined)
    add(q.reviewDue ? 'a.review_by < ?::date' : '(a.review_by IS NULL OR a.review_by >= ?::date)', q.today);
  params.push(q.limit, q.offset);
  return (await tx.query(
    `SELECT ${ARTICLE_COLUMNS} FROM kb_articles a WHERE ${where.join(' AND ')} ORDER BY a.slug LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  )) as ArticleRow[];
}

export async function countArticles(tx: Tx): Promise<number> {
  const [{ n } = { n: 0 }] = (await tx.query(`SELECT count(*)::int AS n FROM kb_articles`)) as { n: number }[];
  return n;
}
