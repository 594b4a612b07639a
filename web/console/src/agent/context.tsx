// Beside the conversation: what the agent may know without asking (site, language, the consents in
// force, whether the visitor's identity was verified, how many other conversations they had, office
// hours), codes and counts only; and passages from the knowledge base for the visitor's latest
// question, each inserted into the reply box with its citation in one click.
import { useEffect, useState } from 'preact/hooks';
import {
  ContextAnswer,
  type ConversationContext,
  type Suggestion,
  SuggestionsAnswer,
} from '../../../../protocol/agent.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t, type Key } from '../i18n.ts';
import { ErrorNote, useAction } from '../ui.tsx';

const CONSENTS = ['ai_local', 'ai_cloud', 'transcript_keep', 'voice_input'] as const;

export function ContextPanel({ conversationId, status }: { conversationId: string; status: string }) {
  const [context, setContext] = useState<ConversationContext | null>(null);
  const load = useAction();
  useEffect(() => {
    void load.run(async () =>
      setContext((await call(ContextAnswer, 'GET', `/api/agent/conversations/${conversationId}/context`)).context),
    );
  }, [conversationId, status]);
  return (
    <section class="side-panel" aria-labelledby="context-title">
      <h3 id="context-title">{t('agent2.context')}</h3>
      <ErrorNote error={load.error} />
      {context && (
        <dl class="facts">
          <div>
            <dt>{t('agent2.context.site')}</dt>
            <dd data-testid="context-site">
              {context.siteName} <span class="muted">({context.site})</span>
            </dd>
          </div>
          <div>
            <dt>{t('agent2.context.language')}</dt>
            <dd data-testid="context-language">{context.language ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('agent2.context.identity')}</dt>
            <dd data-testid="context-identity">{t(`agent2.identity.${context.identity}`)}</dd>
          </div>
          <div>
            <dt>{t('agent2.context.earlier')}</dt>
            <dd>{formatNumber(context.earlierConversations)}</dd>
          </div>
          <div>
            <dt>{t('agent2.context.officeHours')}</dt>
            <dd>
              {context.officeHours.open
                ? t('agent2.officeHours.open')
                : t('agent2.officeHours.closed', { time: formatDateTime(context.officeHours.nextOpen) })}
            </dd>
          </div>
          <div>
            <dt>{t('agent2.context.consents')}</dt>
            <dd>
              <ul class="consents">
                {CONSENTS.map((c) => (
                  <li key={c} data-granted={context.consents[c]}>
                    <span aria-hidden="true">{context.consents[c] ? '✓' : '✗'}</span> {t(`agent2.consent.${c}` as Key)}
                    <span class="sr-only">
                      : {context.consents[c] ? t('agent2.consent.granted') : t('agent2.consent.notGranted')}
                    </span>
                  </li>
                ))}
              </ul>
            </dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** The passage as the agent reads it: the widget renders its Markdown emphasis, the preview drops the marks. */
const preview = (text: string) => {
  const plain = text.replace(/(\*\*|__)(.+?)\1/g, '$2');
  return plain.length > 280 ? `${plain.slice(0, 280)}…` : plain;
};

/** The text a suggestion puts into the reply: the passage (Markdown kept: the widget renders it), then where it comes from. */
export const withCitation = (s: Suggestion) => `${s.text.trim()}\n(${s.citation})`;

export function SuggestionsPanel({
  conversationId,
  latest,
  canInsert,
  insert,
}: {
  conversationId: string;
  latest: string | null;
  canInsert: boolean;
  insert: (text: string) => void;
}) {
  const [answer, setAnswer] = useState<{ question: string | null; suggestions: Suggestion[] } | null>(null);
  const load = useAction();
  useEffect(() => {
    void load.run(async () =>
      setAnswer(await call(SuggestionsAnswer, 'GET', `/api/agent/conversations/${conversationId}/suggestions`)),
    );
  }, [conversationId, latest]);
  return (
    <section class="side-panel" aria-labelledby="suggest-title">
      <h3 id="suggest-title">{t('agent2.suggest')}</h3>
      <ErrorNote error={load.error} />
      {answer?.question && (
        <p class="muted suggest-question">
          {t('agent2.suggest.for')} <q>{answer.question}</q>
        </p>
      )}
      {answer && answer.suggestions.length === 0 && <p class="muted">{t('agent2.suggest.none')}</p>}
      <ul class="suggestions" aria-label={t('agent2.suggest.list')}>
        {answer?.suggestions.map((s, i) => (
          <li key={`${s.articleId}-${i}`}>
            <p class="suggest-title">
              <strong>{s.citation}</strong>{' '}
              <span class="muted">{t('agent2.suggest.confidence', { pct: Math.round(s.confidence * 100) })}</span>
            </p>
            <p class="suggest-text">{preview(s.text)}</p>
            {canInsert && (
              <button
                type="button"
                class="small"
                onClick={() => insert(withCitation(s))}
                aria-label={t('agent2.suggest.insertOf', { title: s.citation })}
              >
                {t('agent2.suggest.insert')}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
