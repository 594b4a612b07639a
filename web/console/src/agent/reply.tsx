// The reply box: Enter sends, Shift+Enter starts a new line. Each draft has one client id, kept
// until the server has it, so a retried send after a failure is stored once. `/` at the start of a
// word searches the canned responses of the conversation's site and language (filled in for this
// agent by the server); arrow keys choose, Enter inserts, Escape closes the list.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type AgentConversation, CannedList, type CannedResponse, ReplyAnswer } from '../../../../protocol/agent.ts';
import { call, withQuery } from '../api.ts';
import { t } from '../i18n.ts';
import { ErrorNote, useAction } from '../ui.tsx';
import { useAgentTypingSignal } from './typing.ts';

const newId = () => crypto.randomUUID();
/** The `/query` being typed at the caret, if any. */
const slashAt = (text: string, caret: number): { start: number; query: string } | null => {
  const m = /(^|\s)\/([^\s/]*)$/.exec(text.slice(0, caret));
  return m ? { start: caret - m[2]!.length - 1, query: m[2]! } : null;
};

/** `insertion`: text to add to the draft (a knowledge suggestion); a new `n` adds it again. */
export function ReplyBox({
  conversation,
  sent,
  insertion,
}: {
  conversation: AgentConversation;
  sent: () => void;
  insertion?: { text: string; n: number } | null;
}) {
  const [text, setText] = useState('');
  const [clientId, setClientId] = useState(newId);
  const [slash, setSlash] = useState<{ start: number; query: string } | null>(null);
  const [options, setOptions] = useState<CannedResponse[]>([]);
  const [active, setActive] = useState(0);
  const box = useRef<HTMLTextAreaElement>(null);
  const send = useAction();
  const search = useAction();
  const typed = useAgentTypingSignal(conversation.id);

  useEffect(() => {
    if (!slash) return setOptions([]);
    const query = {
      site: conversation.site,
      language: conversation.language ?? undefined,
      q: slash.query || undefined,
      limit: 8,
    };
    let live = true;
    const timer = setTimeout(
      () =>
        void search.run(async () => {
          const found = (await call(CannedList, 'GET', withQuery('/api/canned', query))).responses;
          if (live) (setOptions(found), setActive(0));
        }),
      120,
    );
    return () => ((live = false), clearTimeout(timer));
  }, [slash?.query, slash !== null]);

  useEffect(() => {
    if (!insertion) return;
    setText((draft) => (draft.trim() ? `${draft.trimEnd()}\n${insertion.text}` : insertion.text));
    box.current?.focus();
  }, [insertion?.n]);

  const insert = (c: CannedResponse) => {
    if (!slash) return;
    const caret = slash.start + 1 + slash.query.length;
    const next = text.slice(0, slash.start) + (c.text ?? c.body) + text.slice(caret);
    setText(next);
    setSlash(null);
    box.current?.focus();
  };

  const submit = () =>
    send.run(async () => {
      if (!text.trim()) return;
      await call(ReplyAnswer, 'POST', `/api/agent/conversations/${conversation.id}/messages`, { clientId, text });
      setText('');
      setClientId(newId());
      sent();
    });

  const onKeyDown = (e: KeyboardEvent) => {
    if (slash && options.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        insert(options[active]!);
        return;
      }
    }
    if (slash && e.key === 'Escape') {
      e.preventDefault();
      setSlash(null);
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      void submit();
    }
  };

  const listId = `canned-${conversation.id}`;
  return (
    <form
      class="reply"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label for="reply-text">{t('agent.reply')}</label>
      <textarea
        id="reply-text"
        ref={box}
        rows={3}
        maxLength={4000}
        value={text}
        aria-describedby="reply-hint"
        aria-controls={slash ? listId : undefined}
        onInput={(e) => {
          const el = e.currentTarget;
          setText(el.value);
          setSlash(slashAt(el.value, el.selectionStart));
          if (el.value.trim()) typed();
        }}
        onKeyDown={onKeyDown}
      />
      <small id="reply-hint" class="muted">
        {t('agent.replyHint')}
      </small>
      {slash && (
        <div class="canned">
          <p class="sr-only" role="status">
            {options.length ? t('agent.cannedCount', { n: options.length }) : ''}
          </p>
          {options.length === 0 && !search.busy && <p class="muted">{t('agent.cannedNone')}</p>}
          <ul id={listId} role="listbox" aria-label={t('agent.canned')}>
            {options.map((c, i) => (
              <li
                key={c.id}
                id={`${listId}-${c.id}`}
                role="option"
                aria-selected={i === active}
                class={i === active ? 'active' : undefined}
                onMouseDown={(e) => (e.preventDefault(), insert(c))}
              >
                <strong>/{c.shortcut}</strong> {c.title}
                <span class="muted"> — {(c.text ?? c.body).slice(0, 80)}</span>
              </li>
            ))}
          </ul>
          <ErrorNote error={search.error} />
        </div>
      )}
      <div class="actions">
        <button type="submit" class="primary" disabled={send.busy || !text.trim()}>
          {t('agent.send')}
        </button>
      </div>
      <ErrorNote error={send.error} />
    </form>
  );
}
