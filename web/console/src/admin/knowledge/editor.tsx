// The article editor: Markdown beside its live preview, the metadata, save as a draft or publish.
// A change to an existing article gives its reason (the history shows it). A new article can start
// from an unanswered question (?question=…&gap=…): the question becomes its first other way of
// asking, and the gap is closed once the article is saved.
import { useEffect, useState } from 'preact/hooks';
import type { KbArticle, KbVersion } from '../../../../../protocol/knowledge.ts';
import { t } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { type ArticleInput, kb } from './api.ts';
import { AudienceOptions, CategoryOptions, FieldIssue, invalidProps, LANGUAGE_CODES } from './fields.tsx';
import { ArticleStatus } from './list.tsx';
import { Phrasings } from './phrasings.tsx';
import { MarkdownPreview } from './preview.tsx';

const KB = '/admin/knowledge';

interface Form {
  title: string;
  bodyMd: string;
  category: KbArticle['category'];
  audience: KbArticle['audience'];
  language: string;
  tags: string;
  owner: string;
  reviewBy: string;
}
const EMPTY: Form = {
  title: '',
  bodyMd: '',
  category: 'faq',
  audience: 'public',
  language: 'en',
  tags: '',
  owner: '',
  reviewBy: '',
};

const formOf = (a: KbArticle, v: KbVersion | null): Form => ({
  title: v?.title ?? a.title,
  bodyMd: v?.bodyMd ?? '',
  category: a.category,
  audience: a.audience,
  language: a.language,
  tags: a.tags.join(', '),
  owner: a.owner ?? '',
  reviewBy: a.reviewBy ?? '',
});
const inputOf = (f: Form): ArticleInput => ({
  title: f.title,
  bodyMd: f.bodyMd,
  category: f.category,
  audience: f.audience,
  language: f.language.trim(),
  tags: f.tags
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  owner: f.owner.trim() || null,
  reviewBy: f.reviewBy || null,
});

export function ArticleEditor({ articleId }: { articleId?: string }) {
  const fromGap = new URLSearchParams(location.search);
  const gapQuestion = articleId ? null : fromGap.get('question');
  const [form, setForm] = useState<Form>(gapQuestion ? { ...EMPTY, title: gapQuestion } : EMPTY);
  const [article, setArticle] = useState<KbArticle | null>(null);
  const [latest, setLatest] = useState<KbVersion | null>(null);
  const [reason, setReason] = useState('');
  const [slug, setSlug] = useState('');
  const [saved, setSaved] = useState('');
  const load = useAction();
  const save = useAction();

  const refresh = async (withText: boolean) => {
    if (!articleId) return;
    const [{ article: a }, { versions }] = await Promise.all([kb.article(articleId), kb.versions(articleId)]);
    const head = versions[0] ? (await kb.version(articleId, versions[0].id)).version : null;
    setArticle(a);
    setLatest(head);
    if (withText) setForm(formOf(a, head));
  };
  useEffect(() => void load.run(() => refresh(true)), [articleId]);

  // the selects offer only the values their type allows
  const field = (key: keyof Form) => (e: { currentTarget: { value: string } }) =>
    setForm({ ...form, [key]: e.currentTarget.value });

  const submit = (publish: boolean) =>
    save.run(async () => {
      setSaved('');
      if (!articleId) {
        const created = await kb.create({
          ...inputOf(form),
          ...(slug.trim() ? { slug: slug.trim() } : {}),
          ...(gapQuestion ? { phrasings: [gapQuestion] } : {}),
          publish,
        });
        const gap = fromGap.get('gap');
        if (gap) await kb.resolve(gap);
        navigate(`${KB}/${created.article.id}`);
        return;
      }
      const { article: a, version } = await kb.update(articleId, { ...inputOf(form), reason, publish });
      // Only the metadata changed while a draft waits: publishing means publishing that draft.
      const head = version ?? latest;
      if (publish && head && a.publishedVersionId !== head.id) await kb.publish(articleId, head.id);
      setReason('');
      await refresh(false);
      setSaved(
        publish
          ? t('kb.editor.published', { n: head?.versionNo ?? '' })
          : t('kb.editor.savedDraft', { n: head?.versionNo ?? '' }),
      );
    });

  const lifecycle = (work: () => Promise<unknown>) => save.run(async () => (await work(), await refresh(false)));

  if (articleId && !article)
    return load.error ? <ErrorNote error={load.error} /> : <p class="muted">{t('common.loading')}</p>;
  return (
    <>
      <form
        class="card"
        aria-labelledby="kb-editor-title"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(true);
        }}
      >
        <h2 id="kb-editor-title">
          {article ? t('kb.editor.editTitle', { title: article.title }) : t('kb.editor.newTitle')}
        </h2>
        {article && (
          <p>
            <ArticleStatus article={article} /> · <code>{article.slug}</code> ·{' '}
            <Link to={`${KB}/${article.id}/history`}>{t('kb.history.link')}</Link>
          </p>
        )}
        {gapQuestion && <p class="notice">{t('kb.editor.fromGap', { question: gapQuestion })}</p>}
        <Field label={t('kb.field.title')} id="kb-title">
          <input
            id="kb-title"
            required
            value={form.title}
            onInput={field('title')}
            {...invalidProps(save.error, 'title', 'kb-title')}
          />
          <FieldIssue error={save.error} path="title" id="kb-title" />
        </Field>
        <div class="kb-meta">
          {!articleId && (
            <Field label={t('kb.field.slug')} id="kb-slug" hint={t('kb.field.slugHint')}>
              <input
                id="kb-slug"
                value={slug}
                onInput={(e) => setSlug(e.currentTarget.value)}
                {...invalidProps(save.error, 'slug', 'kb-slug')}
              />
              <FieldIssue error={save.error} path="slug" id="kb-slug" />
            </Field>
          )}
          <Field label={t('kb.field.category')} id="kb-category">
            <select id="kb-category" value={form.category} onChange={field('category')}>
              <CategoryOptions />
            </select>
          </Field>
          <Field label={t('kb.field.language')} id="kb-language" hint={t('kb.field.languageHint')}>
            <input
              id="kb-language"
              list="kb-language-codes"
              value={form.language}
              onInput={field('language')}
              {...invalidProps(save.error, 'language', 'kb-language')}
            />
            <datalist id="kb-language-codes">
              {LANGUAGE_CODES.map((c) => (
                <option key={c} value={c} />
              ))}
            </datalist>
            <FieldIssue error={save.error} path="language" id="kb-language" />
          </Field>
          <Field label={t('kb.field.audience')} id="kb-audience">
            <select id="kb-audience" value={form.audience} onChange={field('audience')}>
              <AudienceOptions />
            </select>
          </Field>
          <Field label={t('kb.field.tags')} id="kb-tags" hint={t('kb.field.tagsHint')}>
            <input
              id="kb-tags"
              value={form.tags}
              onInput={field('tags')}
              {...invalidProps(save.error, 'tags', 'kb-tags')}
            />
            <FieldIssue error={save.error} path="tags" id="kb-tags" />
          </Field>
          <Field label={t('kb.field.owner')} id="kb-owner">
            <input
              id="kb-owner"
              value={form.owner}
              onInput={field('owner')}
              {...invalidProps(save.error, 'owner', 'kb-owner')}
            />
            <FieldIssue error={save.error} path="owner" id="kb-owner" />
          </Field>
          <Field label={t('kb.field.reviewBy')} id="kb-review">
            <input
              id="kb-review"
              type="date"
              value={form.reviewBy}
              onInput={field('reviewBy')}
              {...invalidProps(save.error, 'reviewBy', 'kb-review')}
            />
            <FieldIssue error={save.error} path="reviewBy" id="kb-review" />
          </Field>
        </div>
        <div class="kb-editor">
          <Field label={t('kb.field.body')} id="kb-body" hint={t('kb.field.bodyHint')}>
            <textarea
              id="kb-body"
              required
              value={form.bodyMd}
              onInput={field('bodyMd')}
              {...invalidProps(save.error, 'bodyMd', 'kb-body')}
            />
            <FieldIssue error={save.error} path="bodyMd" id="kb-body" />
          </Field>
          <MarkdownPreview source={form.bodyMd} title={form.title} lang={form.language} />
        </div>
        {article && (
          <Field label={t('kb.field.reason')} id="kb-reason" hint={t('kb.field.reasonHint')}>
            <input
              id="kb-reason"
              value={reason}
              onInput={(e) => setReason(e.currentTarget.value)}
              {...invalidProps(save.error, 'reason', 'kb-reason')}
            />
            <FieldIssue error={save.error} path="reason" id="kb-reason" />
          </Field>
        )}
        <div class="actions">
          <button type="button" disabled={save.busy} onClick={() => void submit(false)}>
            {t('kb.editor.saveDraft')}
          </button>
          <button type="submit" class="primary" disabled={save.busy}>
            {t('kb.editor.publish')}
          </button>
          {article?.publishedVersionId && (
            <button type="button" disabled={save.busy} onClick={() => void lifecycle(() => kb.unpublish(article.id))}>
              {t('kb.editor.unpublish')}
            </button>
          )}
          {article && !article.archived && (
            <button type="button" disabled={save.busy} onClick={() => void lifecycle(() => kb.archive(article.id))}>
              {t('kb.editor.archive')}
            </button>
          )}
        </div>
        <p role="status" class={saved ? 'ok' : undefined}>
          {saved}
        </p>
        <ErrorNote error={save.error} />
      </form>
      {article && !article.archived && (
        <Phrasings articleId={article.id} changed={() => void load.run(() => refresh(false))} />
      )}
    </>
  );
}
