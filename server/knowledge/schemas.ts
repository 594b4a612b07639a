// Request shapes of the knowledge-base API and commands, one zod schema each, types inferred.
import { z } from 'zod';
import { AUDIENCES, CATEGORIES } from '../../gateway/knowledge/index.ts';

const Slug = z
  .string()
  .regex(/^[a-z0-9\p{L}][a-z0-9\p{L}\p{N}/_-]{0,199}$/u, { message: 'lower-case letters, digits, / _ - (≤ 200)' });
const Language = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/, { message: 'a language code such as en or zh-CN' });
const Tags = z.array(z.string().trim().min(1).max(50)).max(30);
const Reason = z.string().trim().min(1).max(500);
const Body = z.string().min(1).max(500_000);
const Title = z.string().trim().min(1).max(300);
/** Other ways customers ask what an article answers: searchable, versioned with its text. */
export const Phrasings = z.array(z.string().trim().min(3).max(300)).max(50);

export const ArticleMetaFields = z.object({
  category: z.enum(CATEGORIES),
  audience: z.enum(AUDIENCES),
  language: Language,
  tags: Tags.default([]),
  owner: z.string().trim().min(1).max(100).nullable().default(null),
  reviewBy: z.iso.date().nullable().default(null),
});

export const CreateArticle = ArticleMetaFields.extend({
  slug: Slug.optional(),
  title: Title,
  bodyMd: Body,
  phrasings: Phrasings.optional(),
  reason: Reason.optional(),
  publish: z.boolean().default(true),
}).strict();
export type CreateArticle = z.infer<typeof CreateArticle>;

/** A change to the text makes a new version; metadata changes apply to the article itself. */
export const UpdateArticle = z
  .object({
    title: Title.optional(),
    bodyMd: Body.optional(),
    phrasings: Phrasings.optional(),
    reason: Reason,
    publish: z.boolean().default(true),
    category: z.enum(CATEGORIES).optional(),
    audience: z.enum(AUDIENCES).optional(),
    language: Language.optional(),
    tags: Tags.optional(),
    owner: z.string().trim().min(1).max(100).nullable().optional(),
    reviewBy: z.iso.date().nullable().optional(),
  })
  .strict();
export type UpdateArticle = z.infer<typeof UpdateArticle>;

export const Rollback = z.object({ versionId: z.uuid(), reason: Reason }).strict();
export type Rollback = z.infer<typeof Rollback>;

export const Publish = z.object({ versionId: z.uuid() }).strict();

/** One more way customers ask what an article answers (server/knowledge/questions.ts). */
export const AddQuestion = z.object({ question: Phrasings.element }).strict();
export type AddQuestion = z.infer<typeof AddQuestion>;

/** An unanswered question linked to the article that answers it (it becomes a phrasing). */
export const LinkUnanswered = z.object({ articleId: z.uuid() }).strict();
export type LinkUnanswered = z.infer<typeof LinkUnanswered>;
export type Publish = z.infer<typeof Publish>;

export const ArticleQuery = z.object({
  category: z.enum(CATEGORIES).optional(),
  audience: z.enum(AUDIENCES).optional(),
  language: Language.optional(),
  reviewDue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  archived: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .default(false),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type ArticleQuery = z.infer<typeof ArticleQuery>;

export const DiffQuery = z.object({ from: z.uuid(), to: z.uuid() });

export const SearchPreview = z
  .object({
    question: z.string().trim().min(1).max(2000),
    lang: Language.optional(),
    audience: z.enum([...AUDIENCES, 'all']).default('public'),
    limit: z.number().int().min(1).max(20).default(5),
    /** a question answered below the confidence threshold joins the gap list (redacted); false for editors' trials */
    record: z.boolean().default(true),
  })
  .strict();
export type SearchPreview = z.infer<typeof SearchPreview>;

export const ImportFiles = z
  .object({
    files: z
      .array(
        z
          .object({
            name: z.string().min(1).max(300),
            content: z.string().max(3_000_000).optional(),
            contentBase64: z.string().max(4_000_000).optional(),
          })
          .strict(),
      )
      .min(1)
      .max(500),
    audience: z.enum(AUDIENCES).optional(),
    language: Language.optional(),
    category: z.enum(CATEGORIES).optional(),
    publish: z.boolean().default(true),
  })
  .strict();
export type ImportFiles = z.infer<typeof ImportFiles>;

export const Feedback = z
  .object({
    articleId: z.uuid(),
    versionId: z.uuid(),
    helpful: z.boolean(),
    /** the question the answer was for, as asked: redacted before it is stored (only with helpful: false) */
    question: z.string().trim().min(1).max(2000).optional(),
    language: Language.optional(),
  })
  .strict();
export type Feedback = z.infer<typeof Feedback>;
