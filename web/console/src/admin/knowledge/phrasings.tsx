// Other ways customers ask what the article answers: listed, added and removed one at a time. Each
// change is a new version of the article (published at once unless a draft waits).
import { useEffect, useState } from 'preact/hooks';
import type { KbQuestion } from '../../../../../protocol/knowledge.ts';
import { t } from '../../i18n.ts';
import { ErrorNote, Field, useAction } from '../../ui.tsx';
import { kb } from './api.ts';
import { FieldIssue, invalidProps } from './fields.tsx';

export function Phrasings({ articleId, changed }: { articleId: string; changed: () => void }) {
  const [questions, setQuestions] = useState<KbQuestion[]>([]);
  const [text, setText] = useState('');
  const list = useAction();
  const edit = useAction();
  const reload = () => list.run(async () => setQuestions((await kb.questions(articleId)).questions));
  useEffect(() => void reload(), [articleId]);
  const after = async (work: () => Promise<unknown>) => {
    const done = await edit.run(async () => (await work(), true));
    if (done) {
      await reload();
      changed();
    }
    return done;
  };
  return (
    <section class="card" aria-labelledby="kb-phrasings-title">
      <h2 id="kb-phrasings-title">{t('kb.phrasings.title')}</h2>
      <p class="muted">{t('kb.phrasings.intro')}</p>
      <ErrorNote error={list.error} />
      {questions.length === 0 ? (
        <p class="muted">{t('kb.phrasings.none')}</p>
      ) : (
        <ul aria-label={t('kb.phrasings.title')}>
          {questions.map((q) => (
            <li key={q.id}>
              {q.text}{' '}
              <button
                type="button"
                disabled={edit.busy}
                aria-label={t('kb.phrasings.removeOf', { text: q.text })}
                onClick={() => void after(() => kb.removeQuestion(articleId, q.id))}
              >
                {t('kb.phrasings.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await after(() => kb.addQuestion(articleId, text))) setText('');
        }}
      >
        <Field label={t('kb.phrasings.add')} id="kb-phrasing">
          <input
            id="kb-phrasing"
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            {...invalidProps(edit.error, 'question', 'kb-phrasing')}
          />
          <FieldIssue error={edit.error} path="question" id="kb-phrasing" />
        </Field>
        <button type="submit" disabled={edit.busy}>
          {t('kb.phrasings.addButton')}
        </button>
        <ErrorNote error={edit.error} />
      </form>
    </section>
  );
}
