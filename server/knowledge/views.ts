// Reading the knowledge base: article and version rows, lists, history and diff, and what the
// API shows of them.
import type { EntityManager } from 'typeorm';
import { type DiffLine, lineDiff } from '../../gateway/knowledge/index.ts';
import type { Article, ArticleVersion } from '../../protocol/kb.ts';
import type { ArticleQuery } from './schemas.ts';

export interface ArticleRow {
  id: string;
  slug: string;
  category: string;
  audience: string;
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

export const ARTICLE_COLUMNS = `a.id, a.slug, a.category, a.audience, a.language, a.tags, a.owner, to_char(a.review_by, 'YYYY-MM-DD') AS "reviewBy", a.title,
  a.latest_version_no AS "latestVersionNo", a.published_version_id AS "publishedVersionId",
  (SELECT version_no FROM kb_article_versions pv WHERE pv.id = a.published_version_id) AS "publishedVersionNo",
  a.archived_at AS "archivedAt", a.created_at AS "createdAt", a.updated_at AS "updatedAt"`;

export const VERSION_COLUMNS = `v.id, v.article_id AS "articleId", v.version_no AS "versionNo", v.title, v.body_md AS "bodyMd", v.phrasings, v.reason,
  v.author_type AS "authorType", v.author_id AS "authorId", v.restored_from AS "restoredFrom", v.created_at AS "createdAt"`;

export function presentArticle(a: ArticleRow, today: string): Article {
  return {
    id: a.id,
    slug: a.slug,
    title: a.title,
    category: a.category,
    audience: a.audience,
    language: a.language,
    tags: a.tags,
    owner: a.owner,
    reviewBy: a.reviewBy,
    reviewDue: a.reviewBy !== null && a.reviewBy < today && !a.archivedAt,
    latestVersionNo: a.latestVersionNo,
    publishedVersionId: a.publishedVersionId,
    publishedVersionNo: a.publishedVersionNo,
    archived: a.archivedAt !== null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export function presentVersion(v: VersionRow, withBody = true): ArticleVersion {
  return {
    id: v.id,
    versionNo: v.versionNo,
    title: v.title,
    ...(withBody ? { bodyMd: v.bodyMd } : {}),
    phrasings: v.phrasings,
    reason: v.reason,
    author: { type: v.authorType, id: v.authorId },
    restoredFrom: v.restoredFrom,
    createdAt: v.createdAt.toISOString(),
  };
}

export async function listArticles(tx: EntityManager, q: ArticleQuery & { allowedAudiences: string[]; today: string }): Promise<ArticleRow[]> {
  const where = ['a.audience = ANY($1::text[])', q.archived ? 'a.archived_at IS NOT NULL' : 'a.archived_at IS NULL'];
  const params: unknown[] = [q.allowedAudiences];
  const add = (clause: string, value: unknown) => {
    params.push(value);
    where.push(clause.replace('?', `$${params.length}`));
  };
  if (q.category) add('a.category = ?', q.category);
  if (q.audience) add('a.audience = ?', q.audience);
  if (q.language) add('a.language = ?', q.language);
  if (q.reviewDue !== undefined) add(q.reviewDue ? 'a.review_by < ?::date' : '(a.review_by IS NULL OR a.review_by >= ?::date)', q.today);
  params.push(q.limit, q.offset);
  return (await tx.query(
    `SELECT ${ARTICLE_COLUMNS} FROM kb_articles a WHERE ${where.join(' AND ')} ORDER BY a.slug LIMIT $${params.length - 1} OFFSET $${params.length}`,
    params,
  )) as ArticleRow[];
}

export async function articleHistory(tx: EntityManager, articleId: string): Promise<VersionRow[]> {
  return (await tx.query(`SELECT ${VERSION_COLUMNS} FROM kb_article_versions v WHERE v.article_id = $1 ORDER BY v.version_no DESC`, [articleId])) as VersionRow[];
}

export function diffVersions(from: VersionRow, to: VersionRow): { title: { from: string; to: string } | null; lines: DiffLine[]; added: number; removed: number } {
  const lines = lineDiff(from.bodyMd, to.bodyMd);
  return {
    title: from.title === to.title ? null : { from: from.title, to: to.title },
    lines,
    added: lines.filter((l) => l.op === 'add').length,
    removed: lines.filter((l) => l.op === 'del').length,
  };
}
