// The agent's own side of the workspace: presence (available / away, kept on the server so others
// see it when they transfer) and the conversations the agent holds, each with its unread visitor
// messages, read again whenever the staff channel says a conversation or the queue changed.
import { signal } from '@preact/signals';
import { useEffect, useState } from 'preact/hooks';
import {
  type AgentConversation,
  MineAnswer,
  PRESENCE,
  type Presence,
  PresenceAnswer,
} from '../../../../protocol/agent.ts';
import { call } from '../api.ts';
import { t } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { Link } from '../router.tsx';
import { me } from '../session.ts';
import { ErrorNote, useAction } from '../ui.tsx';
import { useAgents } from './actions.tsx';
import { reasonLabel } from './labels.ts';

/** Bumped each time the open conversation's transcript was read (which marks it read on the server). */
export const transcriptRead = signal(0);

export function PresenceControl() {
  const mine = useAgents().find((a) => a.id === me.value?.user.id);
  const [presence, setPresence] = useState<Presence | null>(null);
  const { busy, error, run } = useAction();
  const shown = presence ?? mine?.presence ?? 'away';
  const choose = (status: Presence) =>
    run(async () => setPresence((await call(PresenceAnswer, 'PUT', '/api/agent/presence', { status })).presence));
  return (
    <div class="presence">
      <label for="agent-presence">{t('agent2.presence')}</label>
      <select
        id="agent-presence"
        value={shown}
        disabled={busy}
        data-presence={shown}
        onChange={(e) => void choose(e.currentTarget.value as Presence)}
      >
        {PRESENCE.map((p) => (
          <option key={p} value={p}>
            {t(`agent2.presence.${p}`)}
          </option>
        ))}
      </select>
      <ErrorNote error={error} />
    </div>
  );
}

export function MyConversations({ open }: { open: string | null }) {
  const [rows, setRows] = useState<(AgentConversation & { unread: number })[]>([]);
  const list = useAction();
  const reload = () => list.run(async () => setRows((await call(MineAnswer, 'GET', '/api/agent/mine')).conversations));
  useEffect(() => {
    void reload();
    const offQueue = subscribe('queue', () => void reload());
    const offConversation = subscribe('conversation', () => void reload());
    return () => (offQueue(), offConversation());
  }, []);
  // Reading a transcript marks it read: the counts follow.
  const reads = transcriptRead.value;
  useEffect(() => void reload(), [open, reads]);
  return (
    <section class="mine" aria-labelledby="mine-title">
      <h2 id="mine-title">{t('agent2.mine', { n: rows.length })}</h2>
      <ErrorNote error={list.error} />
      {rows.length === 0 && !list.busy && <p class="muted">{t('agent2.mine.none')}</p>}
      <ul class="mine-list">
        {rows.map((c) => (
          <li key={c.id} data-conversation={c.id} class={c.id === open ? 'current' : undefined}>
            <Link to={`/agent/c/${c.id}`} current={c.id === open}>
              {c.site} · {c.language ?? '—'} · {reasonLabel(c.reason)}
            </Link>
            {c.unread > 0 && (
              <span class="unread" data-testid="unread">
                {t('agent2.unread', { n: c.unread })}
              </span>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
