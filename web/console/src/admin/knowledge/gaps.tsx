// The unanswered-question loop: questions the knowledge base could not answer with confidence, or
// whose answer a visitor marked unhelpful, grouped and redacted by the server. Each can become
// another way of asking an existing article, the start of a new article, or be dismissed. Below:
// the articles visitors found unhelpful most often, and those past their review date, with owners.
import { useEffect, useState } from 'preact/hooks';
import type { KbArticle, KbFeedback, KbUnanswered } from '../../../../../protocol/knowledge.ts';
import { formatDate, formatDateTime, t } from '../../i18n.ts';
import { Link, navigate } from '../../router.tsx';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { kb } from './api.ts';
import { languageName } from './fields.tsx';

const KB = '/admin/knowledge';

export function GapsView() {
  const [gaps, setGaps] = useState<KbUnanswered[] | null>(null);
  const [articles, setArticles] = useState<KbArticle[]>([]);
  const [feedback, setFeedback] = useState<KbFeedback[]>([]);
  const load = useAction();
  const reload = () =>
    load.run(async () => {
      const [u, a, f] = await Promise.all([kb.unanswered(), kb.articles({}), kb.feedback()]);
      setGaps(u.unanswered);
      setArticles(a.articles);
      setFeedback(f.feedback.filter((r) => r.unhelpful > 0));
    });
  useEffect(() => void reload(), []);
  return (
    <>
      <h2>{t('kb.gaps.title')}</h2>
      <p class="muted">{t('kb.gaps.intro')}</p>
      <ErrorNote error={load.error} />
      <div class="table-wrap">
        <table>
          <caption>{t('kb.gaps.caption', { n: gaps?.length ?? 0 })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kb.gaps.question')}</th>
              <th scope="col">{t('kb.gaps.asked')}</th>
              <th scope="col">{t('kb.gaps.lastSeen')}</th>
              <th scope="col">{t('common.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(gaps ?? []).map((g) => (
              <GapRow key={g.id} gap={g} articles={articles} changed={() => void reload()} />
            ))}
          </tbody>
        </table>
        {gaps?.length === 0 && <p class="muted">{t('kb.gaps.none')}</p>}
      </div>
      <Unhelpful feedback={feedback} />
      <ReviewDue articles={articles} />
    </>
  );
}

function GapRow({ gap: g, articles, changed }: { gap: KbUnanswered; articles: KbArticle[]; changed: () => void }) {
  const [target, setTarget] = useState('');
  const { busy, error, run } = useAction();
  const act = (work: () => Promise<unknown>) => run(async () => (await work(), changed()));
  const id = `kb-gap-${g.id}`;
  return (
    <tr data-gap={g.id}>
      <td>
        <span lang={g.language ?? undefined}>{g.sampleText}</span>
        <div class="muted">{languageName(g.language)}</div>
      </td>
      <td>
        {t('kb.gaps.times', { n: g.occurrences })}
        <div class="muted">{t('kb.gaps.why', { low: g.lowConfidence, unhelpful: g.unhelpful })}</div>
      </td>
      <td>{formatDateTime(g.lastSeen)}</td>
      <td>
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (target) void act(() => kb.link(g.id, target));
          }}
        >
          <Field label={t('kb.gaps.linkTo')} id={`${id}-article`}>
            <select id={`${id}-article`} value={target} onChange={(e) => setTarget(e.currentTarget.value)}>
              <option value="">{t('kb.gaps.chooseArticle')}</option>
              {articles.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.title} ({a.language})
                </option>
              ))}
            </select>
          </Field>
          <button type="submit" disabled={busy || !target} aria-label={t('kb.gaps.linkOf', { question: g.sampleText })}>
            {t('kb.gaps.link')}
          </button>
        </form>
        <div class="actions">
          <button
            type="button"
            disabled={busy}
            onClick={() => navigate(`${KB}/new?${new URLSearchParams({ question: g.sampleText, gap: g.id })}`)}
            aria-label={t('kb.gaps.writeOf', { question: g.sampleText })}
          >
            {t('kb.gaps.write')}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() => void act(() => kb.resolve(g.id))}
            aria-label={t('kb.gaps.dismissOf', { question: g.sampleText })}
          >
            {t('kb.gaps.dismiss')}
          </button>
        </div>
        <ErrorNote error={error} />
      </td>
    </tr>
  );
}

function ReviewDue({ articles }: { articles: KbArticle[] }) {
  const due = articles.filter((a) => a.reviewDue);
  return (
    <section aria-labelledby="kb-due-title">
      <h2 id="kb-due-title">{t('kb.due.title')}</h2>
      {due.length === 0 ? (
        <p class="muted">{t('kb.due.none')}</p>
      ) : (
        <ul>
          {due.map((a) => (
            <li key={a.id}>
              <Link to={`${KB}/${a.id}`}>{a.title}</Link> —{' '}
              {t('kb.due.line', { owner: a.owner ?? t('kb.due.noOwner'), date: formatDate(a.reviewBy) })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Unhelpful({ feedback }: { feedback: KbFeedback[] }) {
  return (
    <section aria-labelledby="kb-unhelpful-title">
      <h2 id="kb-unhelpful-title">{t('kb.feedback.title')}</h2>
      {feedback.length === 0 ? (
        <p class="muted">{t('kb.feedback.none')}</p>
      ) : (
        <ul>
          {feedback.map((f) => (
            <li key={f.articleId}>
              <Link to={`${KB}/${f.articleId}`}>{f.title}</Link> —{' '}
              {t('kb.feedback.counts', { unhelpful: f.unhelpful, helpful: f.helpful })}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
