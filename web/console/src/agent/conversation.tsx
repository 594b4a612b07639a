// One conversation: the masked transcript (personal values as labelled chips), read again whenever
// the staff channel says it changed; the AI's answers with their sources; reveal with a reason for a
// limited time; the reply box and its actions (actions.tsx); beside it the context panel and
// knowledge suggestions (context.tsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type AgentConversation,
  MASK_TOKEN,
  REVEAL_REASONS,
  RevealAnswer,
  TranscriptAnswer,
  type TranscriptMessage,
} from '../../../../protocol/agent.ts';
import { call } from '../api.ts';
import { formatDateTime, t, type Key } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { me } from '../session.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';
import { Attachments } from './attachments.tsx';
import { reasonLabel } from './labels.ts';
import { claimConversation, lostClaim } from './queue.tsx';
import { ReplyBox } from './reply.tsx';
import { ContextPanel, SuggestionsPanel } from './context.tsx';
import { Actions } from './actions.tsx';
import { transcriptRead } from './workload.tsx';
import { useVisitorTyping } from './typing.ts';

export function ConversationPane({ id }: { id: string }) {
  const [conversation, setConversation] = useState<AgentConversation | null>(null);
  const [messages, setMessages] = useState<TranscriptMessage[]>([]);
  const load = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const reload = () =>
    load.run(async () => {
      const answer = await call(TranscriptAnswer, 'GET', `/api/agent/conversations/${id}/transcript`);
      setConversation(answer.conversation);
      setMessages(answer.messages);
      transcriptRead.value++;
    });
  useEffect(() => {
    void reload().then(() => heading.current?.focus());
    const mine = (changed: string | null) => (changed === null || changed === id) && void reload();
    const offQueue = subscribe('queue', mine);
    const offConversation = subscribe('conversation', mine);
    return () => (offQueue(), offConversation());
  }, [id]);
  const [insertion, setInsertion] = useState<{ text: string; n: number } | null>(null);
  const visitorTyping = useVisitorTyping(id, messages.length);
  const end = useRef<HTMLLIElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: 'nearest' }), [messages.length]);

  if (!conversation) return <ErrorNote error={load.error} />;
  const held = conversation.mode === 'agent' && conversation.assignedTo === me.value?.user.id;
  const latestVisitor = messages.findLast((m) => m.role === 'visitor')?.id ?? null;
  return (
    <div class="conversation-grid">
      <section class="conversation" aria-labelledby="conversation-title">
        <h2 id="conversation-title" tabIndex={-1} ref={heading}>
          {t('agent.conversation', { site: conversation.site, language: conversation.language ?? '—' })}
        </h2>
        <p class="muted">
          {t('agent.col.reason')}: {reasonLabel(conversation.reason)} · <code>{conversation.id}</code>
        </p>
        <ErrorNote error={load.error} />
        <Status conversation={conversation} held={held} changed={reload} />
        <ol class="transcript" aria-label={t('agent.transcript')}>
          {messages.map((m) => (
            <MessageItem key={m.id} m={m} conversationId={id} canReveal={held} />
          ))}
          <li ref={end} class="transcript-end" aria-hidden="true" />
        </ol>
        <p class="typing-note" role="status">
          {visitorTyping ? t('agent2.visitorTyping') : ''}
        </p>
        {held && <ReplyBox conversation={conversation} sent={reload} insertion={insertion} />}
        {held && <Actions conversation={conversation} />}
      </section>
      {conversation.status === 'handoff' && (
        <div class="conversation-side">
          <ContextPanel conversationId={id} status={conversation.mode} />
          <SuggestionsPanel
            conversationId={id}
            latest={latestVisitor}
            canInsert={held}
            insert={(text) => setInsertion((p) => ({ text, n: (p?.n ?? 0) + 1 }))}
          />
        </div>
      )}
    </div>
  );
}

function Status({
  conversation: c,
  held,
  changed,
}: {
  conversation: AgentConversation;
  held: boolean;
  changed: () => void;
}) {
  const { busy, error, run } = useAction();
  if (c.status === 'closed') return <p class="notice">{t('agent.ended.closed')}</p>;
  if (c.status === 'open') return <p class="notice">{t('agent.ended.open')}</p>;
  if (held) return null;
  if (c.assignedTo !== null)
    return (
      <p class="notice" role={lostClaim.value === c.id ? 'alert' : undefined}>
        {lostClaim.value === c.id ? t('agent.claimedByOther') : t('agent.heldByOther')}
      </p>
    );
  return (
    <div class="toolbar">
      <p class="notice">{t('agent.notHeld')}</p>
      <button
        type="button"
        class="primary"
        disabled={busy}
        onClick={() => run(async () => (await claimConversation(c.id), changed()))}
      >
        {t('agent.claim')}
      </button>
      <ErrorNote error={error} />
    </div>
  );
}

/** The masked text with each `<KIND_n>` as a chip that names what is hidden. */
export function MaskedText({ text }: { text: string }) {
  const parts: preact.ComponentChild[] = [];
  let last = 0;
  for (const m of text.matchAll(MASK_TOKEN)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const kind = m[1]!.toLowerCase().replace(/_/g, ' ');
    parts.push(
      <span class="chip" key={m.index} title={t('agent.chip', { kind, n: m[2]! })}>
        <span class="sr-only">{t('agent.chip', { kind, n: m[2]! })} </span>
        <span aria-hidden="true">{m[0]}</span>
      </span>,
    );
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return <>{parts}</>;
}

/** A system notice in the agent's language (the stored text is the visitor's English fallback). */
const NOTICES = [
  'model_failed',
  'handoff',
  'queued',
  'outside_hours',
  'agent_joined',
  'released',
  'closed',
  'transferred',
];
const noticeText = (m: TranscriptMessage) =>
  NOTICES.includes(m.notice!)
    ? t(`agent.notice.${m.notice}` as Key, { name: m.agent?.name ?? t('agent.role.agent') })
    : m.text;

const hasMask = (text: string) => new RegExp(MASK_TOKEN.source).test(text);

function MessageItem({
  m,
  conversationId,
  canReveal,
}: {
  m: TranscriptMessage;
  conversationId: string;
  canReveal: boolean;
}) {
  const [clear, setClear] = useState<{ text: string; until: number } | null>(null);
  const [asking, setAsking] = useState(false);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!clear) return;
    const tick = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= clear.until) setClear(null);
    }, 1000);
    return () => clearInterval(tick);
  }, [clear]);
  const who = m.role === 'agent' ? (m.agent?.name ?? t('agent.role.agent')) : t(`agent.role.${m.role}` as Key);
  const left = clear ? Math.max(0, Math.ceil((clear.until - Math.max(now, Date.now())) / 1000)) : 0;
  return (
    <li class={`msg msg-${m.role}`} data-role={m.role} data-message={m.id}>
      <div class="msg-head">
        <strong>{who}</strong> <span class="muted">{formatDateTime(m.createdAt)}</span>
      </div>
      <p class="msg-text">
        {clear ? (
          <span class="revealed">{clear.text}</span>
        ) : m.role === 'system' && m.notice ? (
          noticeText(m)
        ) : (
          <MaskedText text={m.text} />
        )}
      </p>
      <Attachments items={m.attachments} />
      {m.role === 'assistant' && (m.sources.length > 0 || m.answeredBy?.target) && (
        <div class="msg-sources">
          {m.sources.length > 0 && (
            <>
              <span>{t('agent.sources')}: </span>
              <ul>
                {m.sources.map((s) => (
                  <li key={s.articleId}>{s.title}</li>
                ))}
              </ul>
            </>
          )}
          {m.answeredBy?.target && <span class="muted">{t('agent.answeredBy', { target: m.answeredBy.target })}</span>}
        </div>
      )}
      {clear && (
        <p class="notice" role="status">
          {t('agent.revealed', { time: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}` })}{' '}
          <button type="button" class="link" onClick={() => setClear(null)}>
            {t('agent.maskAgain')}
          </button>
        </p>
      )}
      {canReveal && !clear && m.role === 'visitor' && hasMask(m.text) && !asking && (
        <button
          type="button"
          class="small"
          onClick={() => setAsking(true)}
          aria-label={t('agent.revealOf', { time: formatDateTime(m.createdAt) })}
        >
          {t('agent.reveal')}
        </button>
      )}
      {asking && (
        <RevealForm
          conversationId={conversationId}
          messageId={m.id}
          done={(text, seconds) => {
            setAsking(false);
            if (text !== null) setClear({ text, until: Date.now() + seconds * 1000 });
          }}
        />
      )}
    </li>
  );
}

function RevealForm({
  conversationId,
  messageId,
  done,
}: {
  conversationId: string;
  messageId: string;
  done: (text: string | null, seconds: number) => void;
}) {
  const [reason, setReason] = useState('');
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  const base = `reveal-${messageId}`;
  const first = useRef<HTMLSelectElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = (e: Event) => {
    e.preventDefault();
    void run(async () => {
      const body = { reason, ...(note.trim() ? { note: note.trim() } : {}) };
      const answer = await call(
        RevealAnswer,
        'POST',
        `/api/agent/conversations/${conversationId}/messages/${messageId}/reveal`,
        body,
      );
      done(answer.text, answer.visibleSeconds);
    });
  };
  return (
    <form
      class="reveal-form"
      onSubmit={submit}
      aria-label={t('agent.revealTitle')}
      onKeyDown={(e) => e.key === 'Escape' && done(null, 0)}
    >
      <Field label={t('agent.revealReason')} id={`${base}-reason`}>
        <select
          id={`${base}-reason`}
          ref={first}
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
        >
          <option value="">{t('agent.revealChoose')}</option>
          {REVEAL_REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`agent.revealReason.${r}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('agent.revealNote')} id={`${base}-note`}>
        <input id={`${base}-note`} maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {t('agent.revealSubmit')}
        </button>
        <button type="button" onClick={() => done(null, 0)}>
          {t('agent.cancel')}
        </button>
      </div>
      <small class="muted">{t('agent.revealAudited')}</small>
      <ErrorNote error={error} />
    </form>
  );
}
