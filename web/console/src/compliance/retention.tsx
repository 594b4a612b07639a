// Retention: the policy in force (policies/retention.yaml and its hash), past runs with their
// counts, a dry run and a real run (after a confirmation).
import { useEffect, useState } from 'preact/hooks';
import { z } from 'zod';
import { RetentionPolicyAnswer, RetentionRuns, type RetentionRun } from '../../../../protocol/staff.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t } from '../i18n.ts';
import { can } from '../session.ts';
import { ErrorNote, useAction } from '../ui.tsx';

const RunAnswer = z.object({
  report: z.object({ dryRun: z.boolean(), status: z.string(), counts: z.record(z.string(), z.number()) }),
});

export function RetentionScreen() {
  const [policy, setPolicy] = useState<{ hash: string; text: string; changedOnDisk: boolean } | null>(null);
  const [runs, setRuns] = useState<RetentionRun[]>([]);
  const [confirm, setConfirm] = useState(false);
  const load = useAction();
  const act = useAction();
  const reload = () =>
    load.run(async () => {
      setPolicy(await call(RetentionPolicyAnswer, 'GET', '/api/staff/retention-policy'));
      setRuns((await call(RetentionRuns, 'GET', '/api/privacy/retention/runs')).runs);
    });
  useEffect(() => void reload(), []);
  const run = (dryRun: boolean) =>
    act.run(
      async () => (
        await call(RunAnswer, 'POST', '/api/privacy/retention/run', { dryRun }),
        setConfirm(false),
        reload()
      ),
    );
  return (
    <>
      <ErrorNote error={load.error} />
      {can('run:RetentionRun') && (
        <div class="toolbar">
          <button type="button" disabled={act.busy} onClick={() => run(true)}>
            {t('retention.dryRun')}
          </button>
          {!confirm ? (
            <button type="button" class="danger" disabled={act.busy} onClick={() => setConfirm(true)}>
              {t('retention.runNow')}
            </button>
          ) : (
            <span class="confirm" role="group" aria-label={t('retention.confirmTitle')}>
              {t('retention.confirm')}{' '}
              <button type="button" class="danger" onClick={() => run(false)} disabled={act.busy}>
                {t('retention.confirmRun')}
              </button>
              <button type="button" onClick={() => setConfirm(false)}>
                {t('common.cancel')}
              </button>
            </span>
          )}
        </div>
      )}
      <ErrorNote error={act.error} />
      <div class="table-wrap">
        <table>
          <caption>{t('retention.runs')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('retention.col.started')}</th>
              <th scope="col">{t('retention.col.kind')}</th>
              <th scope="col">{t('retention.col.status')}</th>
              <th scope="col">{t('retention.col.counts')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.startedAt)}</td>
                <td>{r.dryRun ? t('retention.dry') : t('retention.real')}</td>
                <td>{r.status}</td>
                <td>
                  {Object.entries(r.counts)
                    .map(([k, n]) => `${k}: ${formatNumber(n)}`)
                    .join(', ') || '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {runs.length === 0 && !load.busy && <p class="muted">{t('retention.none')}</p>}
      </div>
      {policy && (
        <section class="card" aria-labelledby="policy-title">
          <h2 id="policy-title">{t('retention.policy')}</h2>
          <p>
            {t('retention.hash')} <code class="wrap">{policy.hash}</code>
          </p>
          {policy.changedOnDisk && (
            <p class="notice" role="status">
              {t('retention.changedOnDisk')}
            </p>
          )}
          <pre tabIndex={0} aria-label={t('retention.policy')}>
            {policy.text}
          </pre>
        </section>
      )}
    </>
  );
}
