// Reading the knowledge base: article and version rows, lists, history and diff, and what the
// API shows of them.
import type { EntityManager } from 'typeorm';
import { type DiffLine, lineDiff } from '../../gateway/knowledge/index.ts';
import type { KbArticle as Article, KbVersion as ArticleVersion } from '../../protocol/knowledge.ts';
import type { ArticleQuery } from './schemas.ts';
import { type ArticleRow, selectArticles, selectHistory, type VersionRow } from './store/articles.ts';

export type { ArticleRow, VersionRow } from './store/articles.ts';

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

export const listArticles = (
  tx: EntityManager,
  q: ArticleQuery & { allowedAudiences: string[]; today: string },
): Promise<ArticleRow[]> => selectArticles(tx, q);

export const articleHistory = (tx: EntityManager, articleId: string): Promise<VersionRow[]> =>
  selectHistory(tx, articleId);

export function diffVersions(
  from: VersionRow,
  to: VersionRow,
): { title: { from: string; to: string } | null; lines: DiffLine[]; added: number; removed: number } {
  const lines = lineDiff(from.bodyMd, to.bodyMd);
  return {
    title: from.title === to.title ? null : { from: from.title, to: to.title },
    lines,
    added: lines.filter((l) => l.op === 'add').length,
    removed: lines.filter((l) => l.op === 'del').length,
  };
}
