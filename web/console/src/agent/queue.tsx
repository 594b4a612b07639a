// The live queue: conversations waiting for (or with) a person, oldest first, read again whenever the
// staff channel says the queue changed (one read at a time, coalesce.ts); the waiting time counts up
// each second. Claim is one click:
// when two agents click, the server picks one and the other is told.
import { signal } from '@preact/signals';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { type AgentConversation, ConversationAnswer, QueueAnswer } from '../../../../protocol/agent.ts';
import { ApiError, call, withQuery } from '../api.ts';
import { t } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { navigate } from '../router.tsx';
import { me } from '../session.ts';
import { ErrorNote, useAction } from '../ui.tsx';
import { coalesced } from './coalesce.ts';
import { reasonLabel, waited } from './labels.ts';
import { AlertsToggle, alertNew } from './notify.tsx';
import { QueueFilters, useQueueFilter } from './filters.tsx';

/** Shown where the claim was attempted when another agent won it. */
export const lostClaim = signal<string | null>(null);

/** Claims the conversation; true when it is this agent's now. Another agent's win is told, not thrown. */
export async function claimConversation(id: string): Promise<boolean> {
  try {
    await call(ConversationAnswer, 'POST', `/api/agent/conversations/${id}/claim`, {});
    lostClaim.value = null;
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.id === 'already_claimed') {
      lostClaim.value = id;
      return false;
    }
    throw e;
  }
}

export function useNow(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  return now;
}

export function QueuePane({ open }: { open: string | null }) {
  const [rows, setRows] = useState<AgentConversation[]>([]);
  const list = useAction();
  const now = useNow();
  const known = useRef<Set<string> | null>(null);
  const [filter, setFilter] = useQueueFilter();
  const read = () =>
    list.run(async () => {
      const rows = (await call(QueueAnswer, 'GET', withQuery('/api/agent/queue', { ...filter }))).conversations;
      if (known.current) alertNew(rows.filter((c) => c.assignedTo === null && !known.current!.has(c.id)));
      known.current = new Set(rows.map((c) => c.id));
      setRows(rows);
    });
  // the latest filter's read, behind one coalescer for the pane's life
  const latest = useRef(read);
  latest.current = read;
  const reload = useMemo(() => coalesced(() => latest.current()), []);
  useEffect(() => {
    void reload();
    return subscribe('queue', () => void reload());
  }, [filter.site, filter.language]);
  return (
    <>
      <AlertsToggle />
      <QueueFilters filter={filter} change={setFilter} />
      <ErrorNote error={list.error} />
      {rows.length === 0 && !list.busy && <p class="muted">{t('agent.queueEmpty')}</p>}
      <ul class="queue-list" aria-live="polite" aria-relevant="additions">
        {rows.map((c) => (
          <QueueEntry key={c.id} c={c} now={now} current={c.id === open} changed={reload} />
        ))}
      </ul>
    </>
  );
}

function QueueEntry({
  c,
  now,
  current,
  changed,
}: {
  c: AgentConversation;
  now: number;
  current: boolean;
  changed: () => void;
}) {
  const { busy, error, run } = useAction();
  const mine = me.value?.user.id;
  const state = c.assignedTo === null ? 'waiting' : c.assignedTo === mine ? 'mine' : 'other';
  const wait = waited(c.waitingSince, now);
  const claim = () =>
    run(async () => {
      if (await claimConversation(c.id)) navigate(`/agent/c/${c.id}`);
      changed();
    });
  return (
    <li
      class={`queue-entry${current ? ' current' : ''}`}
      data-conversation={c.id}
      aria-current={current ? 'true' : undefined}
    >
      <dl>
        <div>
          <dt>{t('agent.col.site')}</dt>
          <dd>{c.site}</dd>
        </div>
        <div>
          <dt>{t('agent.col.language')}</dt>
          <dd>{c.language ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('agent.col.reason')}</dt>
          <dd>{reasonLabel(c.reason)}</dd>
        </div>
        <div>
          <dt>{t('agent.col.waiting')}</dt>
          <dd data-testid="waiting">{wait}</dd>
        </div>
      </dl>
      <p class={`queue-state ${state}`}>{t(`agent.state.${state}`)}</p>
      <div class="actions">
        {state === 'waiting' && (
          <button
            type="button"
            class="primary"
            disabled={busy}
            onClick={claim}
            aria-label={t('agent.claimOf', { site: c.site, wait })}
          >
            {t('agent.claim')}
          </button>
        )}
        {state !== 'other' && (
          <button
            type="button"
            onClick={() => navigate(`/agent/c/${c.id}`)}
            aria-label={t('agent.openOf', { site: c.site, wait })}
          >
            {t('agent.open')}
          </button>
        )}
      </div>
      {lostClaim.value === c.id && (
        <p class="error" role="alert">
          {t('agent.claimedByOther')}
        </p>
      )}
      <ErrorNote error={error} />
    </li>
  );
}
