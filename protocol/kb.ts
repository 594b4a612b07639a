// The knowledge base's wire shapes: articles and their versions as /api/kb answers them
// (server/knowledge/views.ts presents them with these types).
import { z } from 'zod';

export const Article = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  category: z.string(),
  audience: z.string(),
  language: z.string(),
  tags: z.array(z.string()),
  owner: z.string().nullable(),
  reviewBy: z.string().nullable(),
  reviewDue: z.boolean(),
  latestVersionNo: z.number().int(),
  publishedVersionId: z.string().nullable(),
  publishedVersionNo: z.number().int().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Article = z.infer<typeof Article>;

export const ArticleVersion = z.object({
  id: z.string(),
  versionNo: z.number().int(),
  title: z.string(),
  /** absent in a version list */
  bodyMd: z.string().optional(),
  phrasings: z.array(z.string()),
  reason: z.string().nullable(),
  author: z.object({ type: z.string(), id: z.string() }),
  restoredFrom: z.string().nullable(),
  createdAt: z.string(),
});
export type ArticleVersion = z.infer<typeof ArticleVersion>;

export const ArticleList = z.object({ articles: z.array(Article) });
export const ArticleAnswer = z.object({ article: Article });
export const ArticleWithVersion = z.object({ article: Article, version: ArticleVersion.nullable() });
export const ArticleWithPublished = z.object({ article: Article, published: ArticleVersion.nullable() });
export const VersionList = z.object({ versions: z.array(ArticleVersion) });
export const VersionAnswer = z.object({ version: ArticleVersion });
