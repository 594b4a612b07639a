// Follow-ups: conversations left while the site was closed, waiting for someone to take them. Read
// again whenever the staff channel says the queue changed; "Take" assigns one to this agent (when two
// take at once the server picks one, the other is told) and opens it.
import { useEffect, useState } from 'preact/hooks';
import { type AgentConversation, ConversationAnswer, QueueAnswer } from '../../../../protocol/agent.ts';
import { ApiError, call } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { navigate } from '../router.tsx';
import { ErrorNote, useAction } from '../ui.tsx';

export function FollowUps() {
  const [rows, setRows] = useState<AgentConversation[]>([]);
  // Said on the list, not the entry: the entry leaves the list as soon as the other agent's take lands.
  const [lost, setLost] = useState(false);
  const list = useAction();
  const reload = () =>
    list.run(async () => setRows((await call(QueueAnswer, 'GET', '/api/agent/follow-ups')).conversations));
  useEffect(() => {
    void reload();
    return subscribe('queue', () => void reload());
  }, []);
  return (
    <section class="follow-ups" aria-labelledby="follow-ups-title">
      <h2 id="follow-ups-title">{t('shift.followUps')}</h2>
      <p class="muted">{t('shift.followUpsHint')}</p>
      <ErrorNote error={list.error} />
      {lost && (
        <p class="error" role="alert">
          {t('shift.takenByOther')}
        </p>
      )}
      {rows.length === 0 && !list.busy && <p class="muted">{t('shift.followUpsEmpty')}</p>}
      <ul class="queue-list">
        {rows.map((c) => (
          <FollowUpEntry key={c.id} c={c} changed={reload} lost={setLost} />
        ))}
      </ul>
    </section>
  );
}

function FollowUpEntry({
  c,
  changed,
  lost,
}: {
  c: AgentConversation;
  changed: () => void;
  lost: (lost: boolean) => void;
}) {
  const { busy, error, run } = useAction();
  const since = formatDateTime(c.waitingSince);
  const take = () =>
    run(async () => {
      try {
        await call(ConversationAnswer, 'POST', `/api/agent/follow-ups/${c.id}/take`, {});
        lost(false);
        navigate(`/agent/c/${c.id}`);
      } catch (e) {
        if (!(e instanceof ApiError && e.id === 'already_claimed')) throw e;
        lost(true);
      }
      changed();
    });
  return (
    <li class="queue-entry follow-up" data-follow-up={c.id}>
      <dl>
        <div>
          <dt>{t('shift.col.site')}</dt>
          <dd>{c.site}</dd>
        </div>
        <div>
          <dt>{t('shift.col.language')}</dt>
          <dd>{c.language ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('shift.col.since')}</dt>
          <dd>{since}</dd>
        </div>
      </dl>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={take}
          aria-label={t('shift.takeOf', { site: c.site, since })}
        >
          {t('shift.take')}
        </button>
      </div>
      <ErrorNote error={error} />
    </li>
  );
}
