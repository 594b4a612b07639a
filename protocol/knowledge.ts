// The knowledge-base API's answers (/api/kb/...), as the admin console reads them: articles and
// their versions, the diff between two, an import's per-file report, a search preview with the
// extractive answer, and the gap loop. Requests are described in server/knowledge/schemas.ts.
import { z } from 'zod';

export const KB_CATEGORIES = ['product', 'faq', 'case', 'policy', 'technical', 'announcement'] as const;
export const KB_AUDIENCES = ['public', 'internal'] as const;

export const KbArticle = z.object({
  id: z.string(),
  slug: z.string(),
  title: z.string(),
  category: z.enum(KB_CATEGORIES),
  audience: z.enum(KB_AUDIENCES),
  language: z.string(),
  tags: z.array(z.string()),
  owner: z.string().nullable(),
  reviewBy: z.string().nullable(),
  reviewDue: z.boolean(),
  latestVersionNo: z.number(),
  publishedVersionId: z.string().nullable(),
  publishedVersionNo: z.number().nullable(),
  archived: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type KbArticle = z.infer<typeof KbArticle>;

export const KbVersion = z.object({
  id: z.string(),
  versionNo: z.number(),
  title: z.string(),
  bodyMd: z.string().optional(),
  phrasings: z.array(z.string()),
  reason: z.string().nullable(),
  author: z.object({ type: z.string(), id: z.string() }),
  restoredFrom: z.string().nullable(),
  createdAt: z.string(),
});
export type KbVersion = z.infer<typeof KbVersion>;

export const KbArticleList = z.object({ articles: z.array(KbArticle) });
export const KbArticleAnswer = z.object({ article: KbArticle });
export const KbArticleSaved = z.object({ article: KbArticle, version: KbVersion.nullable() });
/** GET /api/kb/articles/:id: the article and its published version, if any. */
export const KbArticleWithPublished = z.object({ article: KbArticle, published: KbVersion.nullable() });
export const KbVersionList = z.object({ versions: z.array(KbVersion) });
export const KbVersionAnswer = z.object({ version: KbVersion });
export const KbVersionChange = z.object({ version: KbVersion.nullable() });

export const KbDiffLine = z.object({ op: z.enum(['same', 'add', 'del']), text: z.string() });
export type KbDiffLine = z.infer<typeof KbDiffLine>;
export const KbDiffAnswer = z.object({
  diff: z.object({
    title: z.object({ from: z.string(), to: z.string() }).nullable(),
    lines: z.array(KbDiffLine),
    added: z.number(),
    removed: z.number(),
  }),
});
export type KbDiff = z.infer<typeof KbDiffAnswer>['diff'];

export const KbQuestion = z.object({ id: z.string(), text: z.string() });
export type KbQuestion = z.infer<typeof KbQuestion>;
export const KbQuestionList = z.object({ questions: z.array(KbQuestion), versionId: z.string().nullable() });

const KbFileError = z.object({ id: z.string(), message: z.string() });
export const KbImportOutcome = z.union([
  z.object({
    path: z.string(),
    status: z.enum(['created', 'updated', 'unchanged']),
    articleId: z.string(),
    slug: z.string(),
    versionId: z.string().nullable(),
    passages: z.number(),
  }),
  z.object({ path: z.string(), status: z.literal('failed'), error: KbFileError }),
]);
export type KbImportOutcome = z.infer<typeof KbImportOutcome>;
export const KbImportReport = z.object({
  files: z.array(KbImportOutcome),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  failed: z.number(),
});
export type KbImportReport = z.infer<typeof KbImportReport>;
export const KbImportAnswer = z.object({ report: KbImportReport });

export const KbPassage = z.object({
  passageId: z.string(),
  articleId: z.string(),
  versionId: z.string(),
  title: z.string(),
  heading: z.string().nullable(),
  text: z.string(),
  language: z.string(),
  score: z.number(),
  confidence: z.number(),
});
export type KbPassage = z.infer<typeof KbPassage>;
export const KbSearchAnswer = z.object({
  passages: z.array(KbPassage),
  terms: z.array(z.string()),
  answer: z.object({
    kind: z.enum(['answer', 'unknown']),
    text: z.string(),
    confidence: z.number(),
    citations: z.array(
      z.object({ n: z.number(), articleId: z.string(), title: z.string(), heading: z.string().nullable() }),
    ),
  }),
});
export type KbSearchAnswer = z.infer<typeof KbSearchAnswer>;

export const KbUnanswered = z.object({
  id: z.string(),
  /** the question as the redaction engine left it: placeholders, never the raw text */
  sampleText: z.string(),
  language: z.string().nullable(),
  occurrences: z.number(),
  lowConfidence: z.number(),
  unhelpful: z.number(),
  bestConfidence: z.number().nullable(),
  firstSeen: z.string(),
  lastSeen: z.string(),
  resolvedAt: z.string().nullable(),
});
export type KbUnanswered = z.infer<typeof KbUnanswered>;
export const KbUnansweredList = z.object({ unanswered: z.array(KbUnanswered) });

/** Thumbs up and down per article, the most often unhelpful first. */
export const KbFeedback = z.object({
  articleId: z.string(),
  title: z.string(),
  helpful: z.number(),
  unhelpful: z.number(),
});
export type KbFeedback = z.infer<typeof KbFeedback>;
export const KbFeedbackList = z.object({ feedback: z.array(KbFeedback) });
