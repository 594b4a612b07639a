import Router from '@koa/router';
import { z } from 'zod';
import { type Audience, extractiveAnswer } from '../../gateway/knowledge/index.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { AppContext, AppState } from './context.ts';
import { validationFailed } from '../errors.ts';
import { transaction, txOf } from './transaction.ts';
import { validate, validateQuery } from './validate.ts';
import {
  createArticle,
  loadArticle,
  loadVersion,
  publishVersion,
  rollbackArticle,
  unpublishArticle,
  updateArticle,
} from '../knowledge/articles.ts';
import { announceKnowledgeChange } from '../knowledge/changes.ts';
import { noteLowConfidence, submitFeedback } from '../knowledge/gap-intake.ts';
import { linkUnanswered } from '../knowledge/gap-link.ts';
import { feedbackCounts, listUnanswered, resolveUnanswered } from '../knowledge/gaps.ts';
import { importFiles } from '../knowledge/import.ts';
import { addQuestion, listQuestions, removeQuestion } from '../knowledge/questions.ts';
import { questionRedactorFor } from '../knowledge/redact-question.ts';
import {
  AddQuestion,
  ArticleQuery,
  CreateArticle,
  DiffQuery,
  Feedback,
  ImportFiles,
  LinkUnanswered,
  Publish,
  Rollback,
  SearchPreview,
  UpdateArticle,
} from '../knowledge/schemas.ts';
import { knowledgeFor } from '../knowledge/source.ts';
import { articleHistory, diffVersions, listArticles, presentArticle, presentVersion } from '../knowledge/views.ts';

const Id = z.uuid();
const QuestionId = z.string().regex(/^[0-9a-f]{16}$/);
const idParam = (ctx: AppContext, name = 'id') => {
  const parsed = Id.safeParse(ctx.params[name]);
  if (!parsed.success) throw validationFailed([{ path: name, message: 'must be an id (uuid)' }]);
  return parsed.data;
};

export function kbRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/kb' });
  const tx = transaction(deps.db.dataSource);
  const auth = staffAuth(deps);
  const read = authorize(deps, 'read', 'KnowledgeArticle');
  const create = authorize(deps, 'create', 'KnowledgeArticle');
  const update = authorize(deps, 'update', 'KnowledgeArticle');
  const actor = (ctx: AppContext) => ({ type: 'staff' as const, id: ctx.state.staff!.userId });
  const today = () => deps.now().toISOString().slice(0, 10);
  // The index changed: once the transaction has committed, every node drops its cached corpus
  // statistics and reads the knowledge-base version again (server/knowledge/changes.ts).
  const reindexed = async (_ctx: AppContext, next: () => Promise<void>) => {
    await next();
    announceKnowledgeChange(deps);
  };

  router.get('/articles', auth, read, validateQuery(ArticleQuery), tx, async (ctx) => {
    const rows = await listArticles(txOf(ctx), {
      ...(ctx.state.query as ArticleQuery),
      allowedAudiences: ['public', 'internal'],
      today: today(),
    });
    ctx.body = { articles: rows.map((a) => presentArticle(a, today())) };
  });

  router.post('/articles', auth, create, validate(CreateArticle), reindexed, tx, async (ctx) => {
    const { article, version } = await createArticle({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      input: ctx.state.input as CreateArticle,
    });
    ctx.status = 201;
    ctx.body = { article: presentArticle(article, today()), version: presentVersion(version) };
  });

  router.get('/articles/:id', auth, read, tx, async (ctx) => {
    const article = await loadArticle(txOf(ctx), idParam(ctx));
    const versionId = article.publishedVersionId;
    const published = versionId ? await loadVersion(txOf(ctx), article.id, versionId) : null;
    ctx.body = { article: presentArticle(article, today()), published: published ? presentVersion(published) : null };
  });

  router.patch('/articles/:id', auth, update, validate(UpdateArticle), reindexed, tx, async (ctx) => {
    const { article, version } = await updateArticle({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      input: ctx.state.input as UpdateArticle,
    });
    ctx.body = { article: presentArticle(article, today()), version: version ? presentVersion(version) : null };
  });

  router.delete('/articles/:id', auth, update, reindexed, tx, async (ctx) => {
    const article = await unpublishArticle({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      archive: true,
    });
    ctx.body = { article: presentArticle(article, today()) };
  });

  router.get('/articles/:id/versions', auth, read, tx, async (ctx) => {
    const id = idParam(ctx);
    await loadArticle(txOf(ctx), id);
    ctx.body = { versions: (await articleHistory(txOf(ctx), id)).map((v) => presentVersion(v, false)) };
  });

  router.get('/articles/:id/versions/:versionId', auth, read, tx, async (ctx) => {
    ctx.body = { version: presentVersion(await loadVersion(txOf(ctx), idParam(ctx), idParam(ctx, 'versionId'))) };
  });

  // Other ways of asking (alternative questions), one at a time; each change is a new version.
  router.get('/articles/:id/questions', auth, read, tx, async (ctx) => {
    ctx.body = await listQuestions(txOf(ctx), idParam(ctx));
  });

  router.post('/articles/:id/questions', auth, update, validate(AddQuestion), reindexed, tx, async (ctx) => {
    const { question } = ctx.state.input as AddQuestion;
    const added = await addQuestion({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      text: question,
    });
    ctx.status = 201;
    ctx.body = { question: added.question, version: presentVersion(added.version) };
  });

  router.delete('/articles/:id/questions/:questionId', auth, update, reindexed, tx, async (ctx) => {
    const questionId = QuestionId.safeParse(ctx.params.questionId);
    if (!questionId.success)
      throw validationFailed([{ path: 'questionId', message: 'must be a question id (16 hex digits)' }]);
    const version = await removeQuestion({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      questionId: questionId.data,
    });
    ctx.body = { version: presentVersion(version) };
  });

  router.get('/articles/:id/diff', auth, read, validateQuery(DiffQuery), tx, async (ctx) => {
    const id = idParam(ctx);
    const q = ctx.state.query as z.infer<typeof DiffQuery>;
    ctx.body = { diff: diffVersions(await loadVersion(txOf(ctx), id, q.from), await loadVersion(txOf(ctx), id, q.to)) };
  });

  router.post('/articles/:id/publish', auth, update, validate(Publish), reindexed, tx, async (ctx) => {
    const article = await publishVersion({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      versionId: (ctx.state.input as Publish).versionId,
    });
    ctx.body = { article: presentArticle(article, today()) };
  });

  router.post('/articles/:id/unpublish', auth, update, reindexed, tx, async (ctx) => {
    const article = await unpublishArticle({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      archive: false,
    });
    ctx.body = { article: presentArticle(article, today()) };
  });

  router.post('/articles/:id/rollback', auth, update, validate(Rollback), reindexed, tx, async (ctx) => {
    const input = ctx.state.input as Rollback;
    const { article, version } = await rollbackArticle({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      articleId: idParam(ctx),
      versionId: input.versionId,
      reason: input.reason,
    });
    ctx.body = { article: presentArticle(article, today()), version: presentVersion(version) };
  });

  router.post('/import', auth, create, validate(ImportFiles), reindexed, tx, async (ctx) => {
    const input = ctx.state.input as ImportFiles;
    const files = input.files.map((f) => ({
      path: f.name,
      bytes:
        f.contentBase64 !== undefined
          ? Buffer.from(f.contentBase64, 'base64')
          : new TextEncoder().encode(f.content ?? ''),
    }));
    const report = await importFiles({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      files,
      defaults: {
        audience: input.audience,
        language: input.language,
        category: input.category,
        publish: input.publish,
      },
      inflateMs: deps.config.knowledge.inflateMs,
    });
    ctx.status = report.failed && !report.created && !report.updated && !report.unchanged ? 422 : 200;
    ctx.body = { report };
  });

  // Search preview: what a visitor (audience public) or an agent (all) would get. No transaction:
  // the retriever reads through the pool (PGlite's single connection must not be held here).
  // A low-confidence answer notes the question (redacted) in the gap list; `gap` says how that went.
  router.post('/search', auth, read, validate(SearchPreview), async (ctx) => {
    const input = ctx.state.input as SearchPreview;
    const audience: Audience[] = input.audience === 'all' ? ['public', 'internal'] : [input.audience];
    const result = await knowledgeFor(deps.db.dataSource).search({
      question: input.question,
      lang: input.lang,
      audience,
      limit: input.limit,
    });
    const gap = input.record
      ? await noteLowConfidence({
          dataSource: deps.db.dataSource,
          redact: questionRedactorFor(deps),
          question: input.question,
          language: input.lang,
          result,
        })
      : undefined;
    if (gap && !gap.recorded)
      deps.logger.warn('kb.gap_not_recorded', { reason: gap.error.id, requestId: ctx.state.requestId });
    // The answer the extractive provider would give: the quoted passage, or "I don't know".
    const answer = extractiveAnswer(result.passages, { lang: input.lang, question: input.question });
    ctx.body = gap ? { ...result, answer, gap } : { ...result, answer };
  });

  // Feedback on an answer, from agents now and the widget later; part of reading the knowledge
  // base, so the read permission. Redacts before its own transaction (see gap-intake.ts).
  router.post('/feedback', auth, read, validate(Feedback), async (ctx) => {
    const input = ctx.state.input as Feedback;
    const { questionRecorded } = await submitFeedback({
      dataSource: deps.db.dataSource,
      redact: questionRedactorFor(deps),
      ...input,
    });
    ctx.status = 201;
    ctx.body = { recorded: true, questionRecorded };
  });

  router.get('/unanswered', auth, read, tx, async (ctx) => {
    const rows = await listUnanswered(txOf(ctx), { includeResolved: ctx.query.all === 'true', limit: 200 });
    ctx.body = { unanswered: rows };
  });

  router.post('/unanswered/:id/resolve', auth, update, tx, async (ctx) => {
    await resolveUnanswered({ tx: txOf(ctx), actor: actor(ctx), requestId: ctx.state.requestId, id: idParam(ctx) });
    ctx.status = 204;
  });

  router.post('/unanswered/:id/link', auth, update, validate(LinkUnanswered), reindexed, tx, async (ctx) => {
    const { articleId } = ctx.state.input as LinkUnanswered;
    const version = await linkUnanswered({
      tx: txOf(ctx),
      actor: actor(ctx),
      requestId: ctx.state.requestId,
      id: idParam(ctx),
      articleId,
    });
    ctx.body = { version: version ? presentVersion(version) : null };
  });

  router.get('/feedback', auth, read, tx, async (ctx) => {
    ctx.body = { feedback: await feedbackCounts(txOf(ctx)) };
  });

  return router;
}
