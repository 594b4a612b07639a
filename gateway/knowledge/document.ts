// One imported file → an article draft (title, Markdown body, metadata) or a per-file error.
// Markdown may start with YAML front matter naming the article's metadata; HTML is reduced to
// text (scripts dropped, nothing executed); CSV and JSON files are FAQ question/answer pairs.
import path from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { FaqFormatError, faqFromCsv, faqFromJson, faqToMarkdown } from './faq.ts';
import { htmlTitle, htmlToMarkdown } from './html.ts';
import { markdownTitle, splitMarkdown } from './split.ts';
import { AUDIENCES, CATEGORIES } from './types.ts';

export const MAX_FILE_BYTES = 2 * 1024 * 1024;
export const IMPORT_EXTENSIONS = ['.md', '.markdown', '.html', '.htm', '.txt', '.csv', '.json'] as const;

export const ArticleMeta = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9][a-z0-9/_-]{0,199}$/)
      .optional(),
    title: z.string().trim().min(1).max(300).optional(),
    category: z.enum(CATEGORIES).optional(),
    audience: z.enum(AUDIENCES).optional(),
    language: z
      .string()
      .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/)
      .optional(),
    tags: z.array(z.string().trim().min(1).max(50)).max(30).optional(),
    /** other ways customers ask what the article answers (searchable, versioned with the text) */
    phrasings: z.array(z.string().trim().min(3).max(300)).max(50).optional(),
    owner: z.string().trim().min(1).max(100).optional(),
    review_by: z.union([z.iso.date(), z.date().transform((d) => d.toISOString().slice(0, 10))]).optional(),
  })
  .strict();
export type ArticleMeta = z.infer<typeof ArticleMeta>;

export interface ArticleDraft {
  /** stable key for re-imports: front-matter slug, else the file's path without extension */
  slug: string;
  title: string;
  bodyMd: string;
  meta: ArticleMeta;
  passages: number;
}

export type ParsedFile = { ok: true; draft: ArticleDraft } | { ok: false; error: { id: string; message: string } };

const fail = (id: string, message: string): ParsedFile => ({ ok: false, error: { id, message } });

export function slugOf(relativePath: string): string {
  const noExt = relativePath.replace(/\\/g, '/').replace(/\.[^./]+$/, '');
  return (
    noExt
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}/_-]+/gu, '-')
      .replace(/^[-/]+|[-/]+$/g, '')
      .slice(0, 200) || 'article'
  );
}

const titleFromPath = (p: string) =>
  path
    .basename(p)
    .replace(/\.[^.]+$/, '')
    .replace(/[-_]+/g, ' ')
    .trim() || 'Untitled';

function frontMatter(text: string): { meta: unknown; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?/.exec(text);
  if (!m) return { meta: {}, body: text };
  return { meta: YAML.parse(m[1]!) ?? {}, body: text.slice(m[0].length) };
}

export function parseFile(relativePath: string, bytes: Uint8Array): ParsedFile {
  const ext = path.extname(relativePath).toLowerCase();
  if (!(IMPORT_EXTENSIONS as readonly string[]).includes(ext))
    return fail('unsupported_type', `unsupported file type "${ext || '(none)'}"; use ${IMPORT_EXTENSIONS.join(' ')}`);
  if (bytes.byteLength > MAX_FILE_BYTES) return fail('file_too_large', `larger than ${MAX_FILE_BYTES} bytes`);
  if (bytes.includes(0)) return fail('binary_file', 'holds NUL bytes: not a text file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return fail('not_utf8', 'not valid UTF-8 text');
  }
  let rawMeta: unknown = {};
  let title: string | undefined;
  let bodyMd: string;
  try {
    if (ext === '.md' || ext === '.markdown') {
      const fm = frontMatter(text);
      rawMeta = fm.meta;
      title = markdownTitle(fm.body);
      bodyMd = fm.body.trim();
    } else if (ext === '.html' || ext === '.htm') {
      title = htmlTitle(text);
      bodyMd = htmlToMarkdown(text);
    } else if (ext === '.txt') {
      const first = text.trim().split('\n')[0]?.trim() ?? '';
      title = first.length > 0 && first.length <= 120 ? first : undefined;
      bodyMd = text.trim();
    } else if (ext === '.csv') {
      rawMeta = { category: 'faq' };
      bodyMd = faqToMarkdown(faqFromCsv(text));
    } else {
      const faq = faqFromJson(text);
      rawMeta = { category: 'faq', ...(faq.title ? { title: faq.title } : {}) };
      bodyMd = faqToMarkdown(faq.pairs);
    }
  } catch (err) {
    if (err instanceof FaqFormatError) return fail('bad_faq', err.message);
    if (err instanceof YAML.YAMLParseError) return fail('bad_front_matter', 'front matter is not valid YAML');
    throw err;
  }
  const meta = ArticleMeta.safeParse(rawMeta);
  if (!meta.success) {
    const issue = meta.error.issues[0];
    return fail('bad_front_matter', `${issue?.path.join('.') || 'front matter'}: ${issue?.message ?? 'invalid'}`);
  }
  const passages = splitMarkdown(bodyMd).length;
  if (passages === 0) return fail('empty_file', 'no text to import');
  return {
    ok: true,
    draft: {
      slug: meta.data.slug ?? slugOf(relativePath),
      title: meta.data.title ?? title ?? titleFromPath(relativePath),
      bodyMd,
      meta: meta.data,
      passages,
    },
  };
}
