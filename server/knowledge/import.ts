// Importing files as articles. Each file is parsed and stored on its own (under a savepoint): a
// bad file gets an error in the report and the good files of the same batch still import. A file
// whose slug already exists becomes a new version of that article, or is left alone if unchanged.
// A .zip is opened and its entries imported like the files of a folder (slugs from their paths in
// the archive); a damaged or refused entry is one failed line of the report.
import { type ArticleDraft, type Audience, type Category, parseFile } from '../../gateway/knowledge/index.ts';
import { appendAudit } from '../audit/append.ts';
import { withSavepoint } from '../db/results.ts';
import { type Ctx, createArticle, latestVersion, updateArticle } from './articles.ts';
import type { ImportSource } from './files.ts';
import { selectArticleBySlug } from './store/articles.ts';
import { type InflateBudget, inflateBudget, isZipPath, readZip, ZIP_LIMITS, ZipRefused } from './zip.ts';

export interface ImportDefaults {
  audience?: Audience;
  category?: Category;
  language?: string;
  publish?: boolean;
}

export type ImportOutcome =
  | {
      path: string;
      status: 'created' | 'updated' | 'unchanged';
      articleId: string;
      slug: string;
      versionId: string | null;
      passages: number;
    }
  | { path: string; status: 'failed'; error: { id: string; message: string } };

export interface ImportReport {
  files: ImportOutcome[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

const HAN = /\p{Script=Han}/gu;
/** zh when Chinese characters make up a fair share of the letters, en otherwise. */
export function guessLanguage(text: string): string {
  const han = text.match(HAN)?.length ?? 0;
  const latin = text.match(/[A-Za-z]/g)?.length ?? 0;
  return han > 0 && han * 3 >= latin ? 'zh' : 'en';
}

async function storeDraft(
  ctx: Ctx,
  draft: ArticleDraft,
  defaults: ImportDefaults,
  file: string,
): Promise<ImportOutcome> {
  const m = draft.meta;
  const existing = await selectArticleBySlug(ctx.tx, draft.slug);
  const publish = defaults.publish ?? true;
  if (!existing) {
    const { article, version } = await createArticle({
      ...ctx,
      input: {
        slug: draft.slug,
        title: draft.title,
        bodyMd: draft.bodyMd,
        phrasings: m.phrasings ?? [],
        category: m.category ?? defaults.category ?? 'product',
        audience: m.audience ?? defaults.audience ?? 'internal',
        language: m.language ?? defaults.language ?? guessLanguage(draft.bodyMd),
        tags: m.tags ?? [],
        owner: m.owner ?? null,
        reviewBy: m.review_by ?? null,
        reason: `imported from ${file}`.slice(0, 500),
        publish,
      },
    });
    return {
      path: file,
      status: 'created',
      articleId: article.id,
      slug: article.slug,
      versionId: version.id,
      passages: draft.passages,
    };
  }
  if (existing.archivedAt)
    return {
      path: file,
      status: 'failed',
      error: { id: 'article_archived', message: `article "${draft.slug}" is archived` },
    };
  const current = await latestVersion(ctx.tx, existing.id);
  const same =
    current &&
    current.title === draft.title &&
    current.bodyMd === draft.bodyMd &&
    current.phrasings.join('\n') === (m.phrasings ?? []).join('\n');
  if (same && (existing.publishedVersionId === current.id || !publish)) {
    return {
      path: file,
      status: 'unchanged',
      articleId: existing.id,
      slug: draft.slug,
      versionId: current.id,
      passages: draft.passages,
    };
  }
  const { version } = await updateArticle({
    ...ctx,
    articleId: existing.id,
    input: {
      title: draft.title,
      bodyMd: draft.bodyMd,
      phrasings: m.phrasings ?? [],
      reason: `re-imported from ${file}`.slice(0, 500),
      publish,
      category: m.category,
      audience: m.audience,
      language: m.language,
      tags: m.tags,
      owner: m.owner,
      reviewBy: m.review_by,
    },
  });
  return {
    path: file,
    status: 'updated',
    articleId: existing.id,
    slug: draft.slug,
    versionId: version?.id ?? current?.id ?? null,
    passages: draft.passages,
  };
}

type ImportItem =
  { label: string; path: string; bytes: Uint8Array } | { label: string; error: { id: string; message: string } };

/** Files as given, archives opened (all of them within one inflate budget): each item is a file to parse or an error to report. */
function expandArchives(files: ImportSource[], budget: InflateBudget): ImportItem[] {
  return files.flatMap((file): ImportItem[] => {
    if (!isZipPath(file.path)) return [{ label: file.path, path: file.path, bytes: file.bytes }];
    try {
      return readZip(file.bytes, ZIP_LIMITS, budget).map((e) =>
        e.ok
          ? { label: `${file.path}:${e.path}`, path: e.path, bytes: e.bytes }
          : { label: `${file.path}:${e.path}`, error: e.error },
      );
    } catch (err) {
      if (err instanceof ZipRefused) return [{ label: file.path, error: { id: err.id, message: err.message } }];
      throw err;
    }
  });
}

/** `inflateMs`: the time this import may spend inflating archives (KB_IMPORT_INFLATE_MS); absent: no limit (the CLI's own files). */
export async function importFiles(
  props: Ctx & { files: ImportSource[]; defaults?: ImportDefaults; inflateMs?: number },
): Promise<ImportReport> {
  const outcomes: ImportOutcome[] = [];
  const seen = new Set<string>();
  for (const item of expandArchives(props.files, inflateBudget(props.inflateMs ?? Infinity))) {
    if ('error' in item) {
      outcomes.push({ path: item.label, status: 'failed', error: item.error });
      continue;
    }
    const file = { path: item.label, bytes: item.bytes };
    const parsed = parseFile(item.path, item.bytes);
    if (!parsed.ok) {
      outcomes.push({ path: file.path, status: 'failed', error: parsed.error });
      continue;
    }
    if (seen.has(parsed.draft.slug)) {
      outcomes.push({
        path: file.path,
        status: 'failed',
        error: { id: 'duplicate_slug', message: `another file in this import has slug "${parsed.draft.slug}"` },
      });
      continue;
    }
    seen.add(parsed.draft.slug);
    try {
      outcomes.push(
        await withSavepoint(props.tx, 'kb_import_file', () =>
          storeDraft(props, parsed.draft, props.defaults ?? {}, file.path),
        ),
      );
    } catch (err) {
      const e = err as { id?: unknown; message?: unknown };
      if (typeof e.id !== 'string') throw err; // not an AppError: a real fault, the whole import fails
      outcomes.push({ path: file.path, status: 'failed', error: { id: e.id, message: String(e.message) } });
    }
  }
  const count = (s: ImportOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const report = {
    files: outcomes,
    created: count('created'),
    updated: count('updated'),
    unchanged: count('unchanged'),
    failed: count('failed'),
  };
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'kb_import.run',
    resource: { type: 'KnowledgeArticle' },
    requestId: props.requestId,
    details: {
      files: outcomes.length,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      failed: report.failed,
    },
  });
  return report;
}
