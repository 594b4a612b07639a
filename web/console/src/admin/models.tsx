// Model targets: each routing target's state, its last hour on this node (requests, latency,
// failed attempts), the hosts behind a pool, the cloud budgets in their window and the answer
// cache's hit rate. The per-target figures are this node's own, kept in its memory.
import { useEffect, useState } from 'preact/hooks';
import { ModelTargetsAnswer, type ModelTarget, type TargetState } from '../../../../protocol/system.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t, type Key } from '../i18n.ts';
import { ErrorNote, useAction } from '../ui.tsx';

const STATE: Record<TargetState, Key> = {
  ready: 'models.state.ready',
  loading: 'models.state.loading',
  cooling_down: 'models.state.cooling_down',
  down: 'models.state.down',
  not_configured: 'models.state.not_configured',
};
const ms = (n: number | null) => (n === null ? '—' : t('models.ms', { n: formatNumber(Math.round(n)) }));

function State({ target }: { target: ModelTarget }) {
  const warn = target.state === 'down' || target.state === 'cooling_down';
  return (
    <span class={warn ? 'badge' : target.state === 'ready' ? '' : 'badge amber'} data-state={target.state}>
      {t(STATE[target.state])}
      {target.cause && ` (${target.cause})`}
    </span>
  );
}

function Hosts({ hosts }: { hosts: ModelTarget['hosts'] }) {
  if (!hosts) return <>—</>;
  return (
    <ul>
      {hosts.map((h) => (
        <li key={h.url}>
          <code>{h.url}</code> {h.healthy ? t('models.healthy') : <span class="badge">{t('models.unhealthy')}</span>}
          {h.outstanding > 0 && ` · ${t('models.outstanding', { n: formatNumber(h.outstanding) })}`}
        </li>
      ))}
    </ul>
  );
}

export function ModelsScreen() {
  const [answer, setAnswer] = useState<ModelTargetsAnswer | null>(null);
  const load = useAction();
  const reload = () => load.run(async () => setAnswer(await call(ModelTargetsAnswer, 'GET', '/api/models/targets')));
  useEffect(() => void reload(), []);
  return (
    <>
      <div class="toolbar">
        <button type="button" onClick={() => void reload()} disabled={load.busy}>
          {t('models.refresh')}
        </button>
      </div>
      <ErrorNote error={load.error} />
      {answer && (
        <>
          <p class="muted">{t('models.thisNode', { node: answer.node })}</p>
          <div class="table-wrap">
            <table>
              <caption>{t('models.targets')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('models.col.target')}</th>
                  <th scope="col">{t('models.col.model')}</th>
                  <th scope="col">{t('models.col.location')}</th>
                  <th scope="col">{t('models.col.state')}</th>
                  <th scope="col">{t('models.col.requests')}</th>
                  <th scope="col">{t('models.col.p50')}</th>
                  <th scope="col">{t('models.col.p95')}</th>
                  <th scope="col">{t('models.col.errors')}</th>
                  <th scope="col">{t('models.col.hosts')}</th>
                </tr>
              </thead>
              <tbody>
                {answer.targets.map((target) => (
                  <tr key={target.id}>
                    <th scope="row">{target.id}</th>
                    <td>
                      {target.provider} · <code>{target.model}</code>
                      {target.pool && <div class="muted">{t('models.pool', { pool: target.pool })}</div>}
                      {target.load && <div class="muted">{t('models.load', { state: target.load })}</div>}
                    </td>
                    <td>{target.location === 'cloud' ? t('models.cloud') : t('models.local')}</td>
                    <td>
                      <State target={target} />
                    </td>
                    <td>{formatNumber(target.lastHour.requests)}</td>
                    <td>{ms(target.lastHour.p50Ms)}</td>
                    <td>{ms(target.lastHour.p95Ms)}</td>
                    <td>{formatNumber(target.lastHour.errors)}</td>
                    <td>
                      <Hosts hosts={target.hosts} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ul class="tiles">
            <li class="tile">
              <span class="tile-value">
                {answer.answerCache.hitRate === null
                  ? '—'
                  : `${formatNumber(Math.round(answer.answerCache.hitRate * 1000) / 10)} %`}
              </span>
              <span>
                {t('models.cacheHitRate', {
                  hits: formatNumber(answer.answerCache.hits),
                  total: formatNumber(answer.answerCache.hits + answer.answerCache.misses),
                })}
              </span>
            </li>
          </ul>
          <section class="card" aria-labelledby="budgets-title">
            <h2 id="budgets-title">{t('models.budgets')}</h2>
            {answer.budgets.limits.length === 0 ? (
              <p class="muted">{t('models.noBudgets')}</p>
            ) : (
              <>
                <p class="muted">
                  {answer.budgets.limits
                    .map((l) =>
                      t(l.kind === 'tokens' ? 'models.limitTokens' : 'models.limitRequests', {
                        limit: formatNumber(l.limit),
                        seconds: formatNumber(l.windowSeconds),
                      }),
                    )
                    .join(' · ')}
                </p>
                <div class="table-wrap">
                  <table>
                    <caption class="sr-only">{t('models.budgets')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('models.col.budgetKey')}</th>
                        <th scope="col">{t('models.col.kind')}</th>
                        <th scope="col">{t('models.col.used')}</th>
                        <th scope="col">{t('models.col.window')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {answer.budgets.use.map((b) => (
                        <tr key={`${b.key}:${b.kind}`}>
                          <td>
                            <code>{b.key}</code>
                          </td>
                          <td>{b.kind === 'tokens' ? t('models.tokens') : t('models.requests')}</td>
                          <td>{t('models.usedOf', { used: formatNumber(b.used), limit: formatNumber(b.limit) })}</td>
                          <td>{formatDateTime(b.windowStart)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
                {answer.budgets.use.length === 0 && <p class="muted">{t('models.noUse')}</p>}
              </>
            )}
          </section>
        </>
      )}
    </>
  );
}
