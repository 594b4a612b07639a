// What is happening now: the people's queue per site and language with its longest wait, each
// agent's presence and load, and the chats under way. Read again whenever the staff channel says
// the queue changed, and every REFRESH_MS for presence and the AI's chats (which it does not name).
import { useEffect, useState } from 'preact/hooks';
import { LiveBoard } from '../../../../protocol/supervisor.ts';
import { call } from '../api.ts';
import { formatDateTime, t } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { ErrorNote, useAction } from '../ui.tsx';
import { duration } from './labels.ts';

const REFRESH_MS = 10_000;

function useSecondTick(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(tick);
  }, []);
  return now;
}

export function LiveSection() {
  const [board, setBoard] = useState<{ data: LiveBoard; at: number } | null>(null);
  const load = useAction();
  const now = useSecondTick();
  const reload = () =>
    load.run(async () => setBoard({ data: await call(LiveBoard, 'GET', '/api/supervisor/live'), at: Date.now() }));
  useEffect(() => {
    void reload();
    const poll = setInterval(() => void reload(), REFRESH_MS);
    const off = subscribe('queue', () => void reload());
    return () => (clearInterval(poll), off());
  }, []);
  // the wait grows between reads: counted on from when the answer came
  const since = board ? Math.floor((now - board.at) / 1000) : 0;
  const b = board?.data;
  const waiting = b ? b.queue.reduce((n, q) => n + q.waiting, 0) : 0;
  return (
    <section class="card" aria-labelledby="sup-live-title">
      <h2 id="sup-live-title">{t('sup.live.title')}</h2>
      <p class="muted">{b ? t('sup.live.asOf', { time: formatDateTime(b.asOf) }) : t('common.loading')}</p>
      <ErrorNote error={load.error} />
      {b && (
        <>
          <dl class="sup-figures">
            <div>
              <dt>{t('sup.live.waiting')}</dt>
              <dd data-testid="queue-total" aria-live="polite">
                {waiting}
              </dd>
            </div>
            <div>
              <dt>{t('sup.live.withAgent')}</dt>
              <dd>{b.chats.withAgent}</dd>
            </div>
            <div>
              <dt>{t('sup.live.ai')}</dt>
              <dd>{b.chats.ai}</dd>
            </div>
            <div>
              <dt>{t('sup.live.online')}</dt>
              <dd>
                {t('sup.live.onlineOf', { online: b.agents.filter((a) => a.online).length, all: b.agents.length })}
              </dd>
            </div>
          </dl>
          <div class="sup-two">
            <div class="table-wrap">
              <table>
                <caption>{t('sup.queue.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('agent.col.site')}</th>
                    <th scope="col">{t('agent.col.language')}</th>
                    <th scope="col">{t('sup.queue.waiting')}</th>
                    <th scope="col">{t('sup.queue.longest')}</th>
                  </tr>
                </thead>
                <tbody>
                  {b.queue.length === 0 && (
                    <tr>
                      <td colSpan={4} class="muted">
                        {t('agent.queueEmpty')}
                      </td>
                    </tr>
                  )}
                  {b.queue.map((q) => (
                    <tr key={`${q.site}/${q.language}`}>
                      <td>{q.site}</td>
                      <td>{q.language ?? '—'}</td>
                      <td>{q.waiting}</td>
                      <td>{duration(q.longestWaitSeconds + since)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div class="table-wrap">
              <table>
                <caption>{t('sup.agents.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('sup.agents.name')}</th>
                    <th scope="col">{t('sup.agents.presence')}</th>
                    <th scope="col">{t('sup.agents.active')}</th>
                  </tr>
                </thead>
                <tbody>
                  {b.agents.length === 0 && (
                    <tr>
                      <td colSpan={3} class="muted">
                        {t('sup.agents.none')}
                      </td>
                    </tr>
                  )}
                  {b.agents.map((a) => (
                    <tr key={a.id}>
                      <th scope="row">{a.displayName}</th>
                      <td>
                        <span class={`presence ${a.online ? 'on' : 'off'}`}>
                          {t(a.online ? 'sup.agents.on' : 'sup.agents.off')}
                        </span>
                      </td>
                      <td>{a.active}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </>
      )}
    </section>
  );
}
