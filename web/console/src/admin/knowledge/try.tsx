// "Try a question": what a visitor (or an agent) would get for a question in any language — the
// passages found with their confidence, and the extractive answer or "I don't know". A trial is
// never noted as an unanswered question.
import { useState } from 'preact/hooks';
import type { KbSearchAnswer } from '../../../../../protocol/knowledge.ts';
import { formatNumber, t } from '../../i18n.ts';
import { Link } from '../../router.tsx';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { kb } from './api.ts';
import { FieldIssue, invalidProps, LanguageOptions } from './fields.tsx';
import { Markdown } from './preview.tsx';

const KB = '/admin/knowledge';
const percent = (n: number) => `${formatNumber(Math.round(n * 100))} %`;

export function TryQuestion() {
  const [question, setQuestion] = useState('');
  const [lang, setLang] = useState('');
  const [audience, setAudience] = useState('public');
  const [result, setResult] = useState<KbSearchAnswer | null>(null);
  const { busy, error, run } = useAction();
  return (
    <>
      <h2>{t('kb.try.title')}</h2>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => setResult(await kb.search(question, lang || undefined, audience)));
        }}
      >
        <Field label={t('kb.try.question')} id="kb-try-question" hint={t('kb.try.hint')}>
          <textarea
            id="kb-try-question"
            rows={2}
            value={question}
            onInput={(e) => setQuestion(e.currentTarget.value)}
            {...invalidProps(error, 'question', 'kb-try-question')}
          />
          <FieldIssue error={error} path="question" id="kb-try-question" />
        </Field>
        <div class="kb-meta">
          <Field label={t('kb.try.language')} id="kb-try-lang">
            <select id="kb-try-lang" value={lang} onChange={(e) => setLang(e.currentTarget.value)}>
              <option value="">{t('kb.try.detect')}</option>
              <LanguageOptions />
            </select>
          </Field>
          <Field label={t('kb.try.as')} id="kb-try-audience">
            <select id="kb-try-audience" value={audience} onChange={(e) => setAudience(e.currentTarget.value)}>
              <option value="public">{t('kb.try.asVisitor')}</option>
              <option value="all">{t('kb.try.asAgent')}</option>
            </select>
          </Field>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('kb.try.ask')}
          </button>
        </div>
        <ErrorNote error={error} />
      </form>
      {result && <TryResult result={result} />}
    </>
  );
}

function TryResult({ result }: { result: KbSearchAnswer }) {
  const { answer } = result;
  return (
    <section aria-labelledby="kb-try-answer-title">
      <h3 id="kb-try-answer-title">{answer.kind === 'answer' ? t('kb.try.answer') : t('kb.try.unknown')}</h3>
      <p data-testid="kb-try-confidence">{t('kb.try.confidence', { value: percent(answer.confidence) })}</p>
      <Markdown
        source={answer.text}
        class={answer.kind === 'answer' ? 'kb-answer' : 'kb-answer unknown'}
        testId="kb-try-answer"
      />
      {answer.citations.length > 0 && (
        <p>
          {t('kb.try.from')}{' '}
          {answer.citations.map((c) => (
            <span key={c.n}>
              [{c.n}] <Link to={`${KB}/${c.articleId}`}>{c.title}</Link>{' '}
            </span>
          ))}
        </p>
      )}
      <div class="table-wrap">
        <table>
          <caption>{t('kb.try.passages', { n: result.passages.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('kb.field.title')}</th>
              <th scope="col">{t('kb.try.passage')}</th>
              <th scope="col">{t('kb.try.confidenceCol')}</th>
            </tr>
          </thead>
          <tbody>
            {result.passages.map((p) => (
              <tr key={p.passageId} data-article={p.articleId}>
                <td>
                  <Link to={`${KB}/${p.articleId}`}>{p.title}</Link>
                  {p.heading && <div class="muted">{p.heading}</div>}
                </td>
                <td lang={p.language}>{p.text.length > 280 ? `${p.text.slice(0, 280)}…` : p.text}</td>
                <td>{percent(p.confidence)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {result.passages.length === 0 && <p class="muted">{t('kb.try.noPassages')}</p>}
      </div>
    </section>
  );
}
