// The articles: filtered by the server (category, language, audience, review due, archived) and
// narrowed by a search over title, slug and tags as the admin types.
import { useEffect, useState } from 'preact/hooks';
import type { KbArticle } from '../../../../../protocol/knowledge.ts';
import { formatDate, t, type Key } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { type ArticleFilter, kb } from './api.ts';
import { AudienceOptions, CategoryOptions, LanguageOptions, languageName } from './fields.tsx';

const KB = '/admin/knowledge';

export function ArticleList() {
  const [filter, setFilter] = useState<ArticleFilter>({});
  const [text, setText] = useState('');
  const [articles, setArticles] = useState<KbArticle[] | null>(null);
  const list = useAction();
  useEffect(() => void list.run(async () => setArticles((await kb.articles(filter)).articles)), [filter]);
  const set = (key: keyof ArticleFilter) => (e: { currentTarget: { value: string } }) =>
    setFilter({ ...filter, [key]: e.currentTarget.value || undefined });
  const needle = text.trim().toLowerCase();
  const shown = (articles ?? []).filter(
    (a) => !needle || [a.title, a.slug, ...a.tags].some((s) => s.toLowerCase().includes(needle)),
  );
  return (
    <>
      <h2>{t('kb.list.title')}</h2>
      <form class="filters card" role="search" aria-label={t('kb.list.filters')} onSubmit={(e) => e.preventDefault()}>
        <Field label={t('kb.list.search')} id="kb-search">
          <input id="kb-search" type="search" value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </Field>
        <Field label={t('kb.field.category')} id="kb-f-category">
          <select id="kb-f-category" value={filter.category ?? ''} onChange={set('category')}>
            <option value="">{t('common.any')}</option>
            <CategoryOptions />
          </select>
        </Field>
        <Field label={t('kb.field.language')} id="kb-f-language">
          <select id="kb-f-language" value={filter.language ?? ''} onChange={set('language')}>
            <option value="">{t('common.any')}</option>
            <LanguageOptions />
          </select>
        </Field>
        <Field label={t('kb.field.audience')} id="kb-f-audience">
          <select id="kb-f-audience" value={filter.audience ?? ''} onChange={set('audience')}>
            <option value="">{t('common.any')}</option>
            <AudienceOptions />
          </select>
        </Field>
        <Field label={t('kb.list.reviewDue')} id="kb-f-review">
          <select id="kb-f-review" value={filter.reviewDue ?? ''} onChange={set('reviewDue')}>
            <option value="">{t('common.any')}</option>
            <option value="true">{t('kb.list.reviewDueYes')}</option>
            <option value="false">{t('kb.list.reviewDueNo')}</option>
          </select>
        </Field>
        <div class="check">
          <input
            id="kb-f-archived"
            type="checkbox"
            checked={filter.archived === 'true'}
            onChange={(e) => setFilter({ ...filter, archived: e.currentTarget.checked ? 'true' : undefined })}
          />
          <label for="kb-f-archived">{t('kb.list.archived')}</label>
        </div>
      </form>
      <ErrorNote error={list.error} />
      <div class="table-wrap">
        <table>
          <caption>{t('kb.list.caption', { n: shown.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kb.field.title')}</th>
              <th scope="col">{t('kb.field.language')}</th>
              <th scope="col">{t('kb.field.category')}</th>
              <th scope="col">{t('kb.field.audience')}</th>
              <th scope="col">{t('kb.list.status')}</th>
              <th scope="col">{t('kb.field.owner')}</th>
              <th scope="col">{t('kb.field.reviewBy')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((a) => (
              <tr key={a.id} data-slug={a.slug}>
                <td>
                  <Link to={`${KB}/${a.id}`}>{a.title}</Link>
                  <div class="muted">
                    <code>{a.slug}</code> {a.tags.join(', ')}
                  </div>
                </td>
                <td>{languageName(a.language)}</td>
                <td>{t(`kb.category.${a.category}` as Key)}</td>
                <td>{t(`kb.audience.${a.audience}` as Key)}</td>
                <td>
                  <ArticleStatus article={a} />
                </td>
                <td>{a.owner ?? '—'}</td>
                <td class={a.reviewDue ? 'overdue' : undefined}>
                  {formatDate(a.reviewBy)}
                  {a.reviewDue && <span class="badge">{t('kb.list.due')}</span>}
                </td>
                <td class="nowrap">
                  <Link to={`${KB}/${a.id}/history`}>
                    <span aria-hidden="true">{t('kb.history.link')}</span>
                    <span class="sr-only">{t('kb.history.linkOf', { title: a.title })}</span>
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {articles && shown.length === 0 && <p class="muted">{t('kb.list.none')}</p>}
      </div>
    </>
  );
}

/** Published (which version), a newer draft waiting, unpublished or archived. */
export function ArticleStatus({ article: a }: { article: KbArticle }) {
  if (a.archived) return <span>{t('kb.status.archived')}</span>;
  if (a.publishedVersionNo === null)
    return <span class="badge amber">{t('kb.status.unpublished', { n: a.latestVersionNo })}</span>;
  return (
    <span>
      {t('kb.status.published', { n: a.publishedVersionNo })}
      {a.latestVersionNo > a.publishedVersionNo && (
        <span class="badge amber">{t('kb.status.draft', { n: a.latestVersionNo })}</span>
      )}
    </span>
  );
}
