// Article commands: create, edit (every change to the text is a new immutable version), publish,
// unpublish, archive, roll back (a new version copying an old one). Every write is audited.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { conflict, notFound } from '../errors.ts';
import { indexVersion, unindexArticle } from './passages.ts';
import type { CreateArticle, UpdateArticle } from './schemas.ts';
import * as store from './store/articles.ts';
import type { ArticleRow, VersionRow } from './store/articles.ts';

export type Actor = { type: 'staff' | 'system'; id: string };
export interface Ctx {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
}

const RESOURCE = 'KnowledgeArticle';

export async function loadArticle(tx: EntityManager, articleId: string, lock = false): Promise<ArticleRow> {
  const row = await store.selectArticle(tx, articleId, lock);
  if (!row) throw notFound('article');
  return row;
}

export async function loadVersion(tx: EntityManager, articleId: string, versionId: string): Promise<VersionRow> {
  const row = await store.selectVersion(tx, articleId, versionId);
  if (!row) throw notFound('article version');
  return row;
}

async function addVersion(
  ctx: Ctx,
  article: ArticleRow,
  v: { title: string; bodyMd: string; phrasings: string[]; reason: string | null; restoredFrom?: string },
): Promise<VersionRow> {
  const id = randomUUID();
  const versionNo = article.latestVersionNo + 1;
  await store.insertVersion(ctx.tx, {
    id,
    articleId: article.id,
    versionNo,
    ...v,
    author: ctx.actor,
    restoredFrom: v.restoredFrom ?? null,
  });
  return loadVersion(ctx.tx, article.id, id);
}

async function publish(ctx: Ctx, article: ArticleRow, version: VersionRow): Promise<number> {
  await store.setPublishedVersion(ctx.tx, article.id, version.id);
  return indexVersion(ctx.tx, {
    ...article,
    articleId: article.id,
    versionId: version.id,
    title: version.title,
    bodyMd: version.bodyMd,
    phrasings: version.phrasings,
  });
}

export async function createArticle(
  props: Ctx & { input: CreateArticle },
): Promise<{ article: ArticleRow; version: VersionRow }> {
  const { tx, input } = props;
  const id = randomUUID();
  const slug = input.slug ?? `article-${id.slice(0, 8)}`;
  const inserted = await store.insertArticle(tx, {
    id,
    slug,
    category: input.category,
    audience: input.audience,
    language: input.language,
    tags: input.tags,
    owner: input.owner,
    reviewBy: input.reviewBy,
    title: input.title,
  });
  if (!inserted) throw conflict('slug_taken', 'An article with this slug already exists.');
  const created = await loadArticle(tx, id, true);
  const version = await addVersion(props, created, {
    title: input.title,
    bodyMd: input.bodyMd,
    phrasings: input.phrasings ?? [],
    reason: input.reason ?? 'created',
  });
  const passages = input.publish ? await publish(props, created, version) : 0;
  await appendAudit(tx, {
    actor: props.actor,
    action: 'kb_article.create',
    resource: { type: RESOURCE, id },
    requestId: props.requestId,
    details: {
      versionId: version.id,
      versionNo: version.versionNo,
      published: input.publish,
      passages,
      category: input.category,
      audience: input.audience,
    },
  });
  return { article: await loadArticle(tx, id), version };
}

export async function updateArticle(
  props: Ctx & { articleId: string; input: UpdateArticle },
): Promise<{ article: ArticleRow; version: VersionRow | null }> {
  const { tx, input } = props;
  const article = await loadArticle(tx, props.articleId, true);
  if (article.archivedAt) throw conflict('article_archived', 'This article is archived.');
  const meta: store.ArticleMetadata = {
    category: input.category,
    audience: input.audience,
    language: input.language,
    tags: input.tags,
    owner: input.owner,
    review_by: input.reviewBy,
  };
  const changed = (Object.entries(meta) as [keyof store.ArticleMetadata, unknown][]).filter(([, v]) => v !== undefined);
  await store.updateMetadata(tx, article.id, changed);
  const current = article.latestVersionNo ? await latestVersion(tx, article.id) : null;
  const title = input.title ?? current?.title ?? article.title;
  const bodyMd = input.bodyMd ?? current?.bodyMd ?? '';
  const phrasings = input.phrasings ?? current?.phrasings ?? [];
  const textChanged =
    !current ||
    title !== current.title ||
    bodyMd !== current.bodyMd ||
    phrasings.join('\n') !== current.phrasings.join('\n');
  const version = textChanged
    ? await addVersion(props, article, { title, bodyMd, phrasings, reason: input.reason })
    : null;
  const updated = await loadArticle(tx, article.id, true);
  let passages = 0;
  const target =
    version ?? (updated.publishedVersionId ? await loadVersion(tx, article.id, updated.publishedVersionId) : null);
  // Re-index when the text changed, or when metadata the index carries (audience, language) changed.
  if (input.publish && target && (version || changed.length)) passages = await publish(props, updated, target);
  await appendAudit(tx, {
    actor: props.actor,
    action: 'kb_article.update',
    resource: { type: RESOURCE, id: article.id },
    requestId: props.requestId,
    details: {
      versionId: version?.id ?? null,
      versionNo: version?.versionNo ?? null,
      metadataFields: changed.length,
      published: Boolean(input.publish && target),
      passages,
    },
  });
  return { article: await loadArticle(tx, article.id), version };
}

export const latestVersion = (tx: EntityManager, articleId: string): Promise<VersionRow | null> =>
  store.selectLatestVersion(tx, articleId);

export async function publishVersion(props: Ctx & { articleId: string; versionId: string }): Promise<ArticleRow> {
  const article = await loadArticle(props.tx, props.articleId, true);
  if (article.archivedAt) throw conflict('article_archived', 'This article is archived.');
  const version = await loadVersion(props.tx, article.id, props.versionId);
  const passages = await publish(props, article, version);
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'kb_article.publish',
    resource: { type: RESOURCE, id: article.id },
    requestId: props.requestId,
    details: { versionId: version.id, versionNo: version.versionNo, passages },
  });
  return loadArticle(props.tx, article.id);
}

/** Takes the article out of retrieval (archive = unpublish for good; versions stay for the record). */
export async function unpublishArticle(props: Ctx & { articleId: string; archive: boolean }): Promise<ArticleRow> {
  const article = await loadArticle(props.tx, props.articleId, true);
  await unindexArticle(props.tx, article.id);
  await store.clearPublished(props.tx, article.id, props.archive);
  await appendAudit(props.tx, {
    actor: props.actor,
    action: props.archive ? 'kb_article.archive' : 'kb_article.unpublish',
    resource: { type: RESOURCE, id: article.id },
    requestId: props.requestId,
    details: { previousVersionId: article.publishedVersionId },
  });
  return loadArticle(props.tx, article.id);
}

/** Rollback never rewrites history: it adds a version that copies an old one, and publishes it. */
export async function rollbackArticle(
  props: Ctx & { articleId: string; versionId: string; reason: string },
): Promise<{ article: ArticleRow; version: VersionRow }> {
  const article = await loadArticle(props.tx, props.articleId, true);
  if (article.archivedAt) throw conflict('article_archived', 'This article is archived.');
  const old = await loadVersion(props.tx, article.id, props.versionId);
  const version = await addVersion(props, article, {
    title: old.title,
    bodyMd: old.bodyMd,
    phrasings: old.phrasings,
    reason: props.reason,
    restoredFrom: old.id,
  });
  const passages = await publish(props, await loadArticle(props.tx, article.id, true), version);
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'kb_article.rollback',
    resource: { type: RESOURCE, id: article.id },
    requestId: props.requestId,
    details: {
      versionId: version.id,
      versionNo: version.versionNo,
      restoredFrom: old.id,
      restoredVersionNo: old.versionNo,
      passages,
    },
  });
  return { article: await loadArticle(props.tx, article.id), version };
}
