// Overview: requests due within seven days and overdue, holds awaiting a second officer, the last
// retention run. The chain is verified on the audit screen (a verification is itself audited).
import { useEffect, useState } from 'preact/hooks';
import { HoldList, RequestList, RetentionRuns } from '../../../../protocol/staff.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t } from '../i18n.ts';
import { subscribe } from '../live.ts';
import { can } from '../session.ts';
import { ErrorNote, useAction } from '../ui.tsx';

interface Numbers {
  near?: number;
  overdue?: number;
  pendingHolds?: number;
  lastRun?: string | null;
}

export function Overview() {
  const [n, setN] = useState<Numbers>({});
  const { error, run } = useAction();
  const load = () =>
    run(async () => {
      const next: Numbers = {};
      if (can('read:SubjectRequest')) {
        next.near = (await call(RequestList, 'GET', '/api/privacy/requests?due=near')).requests.length;
        next.overdue = (await call(RequestList, 'GET', '/api/privacy/requests?due=overdue')).requests.length;
      }
      if (can('read:LegalHold'))
        next.pendingHolds = (await call(HoldList, 'GET', '/api/privacy/holds?status=pending')).holds.length;
      if (can('read:RetentionRun'))
        next.lastRun = (await call(RetentionRuns, 'GET', '/api/privacy/retention/runs')).runs[0]?.startedAt ?? null;
      setN(next);
    });
  useEffect(() => {
    void load();
    const off = [subscribe('dsr', () => void load()), subscribe('hold', () => void load())];
    return () => off.forEach((f) => f());
  }, []);
  const tile = (label: string, value: string, warn = false) => (
    <li class={warn ? 'tile warn' : 'tile'}>
      <span class="tile-value">{value}</span>
      <span>{label}</span>
    </li>
  );
  return (
    <>
      <ErrorNote error={error} />
      <ul class="tiles">
        {n.near !== undefined && tile(t('overview.near'), formatNumber(n.near))}
        {n.overdue !== undefined && tile(t('overview.overdue'), formatNumber(n.overdue), n.overdue > 0)}
        {n.pendingHolds !== undefined && tile(t('overview.pendingHolds'), formatNumber(n.pendingHolds))}
        {n.lastRun !== undefined &&
          tile(t('overview.lastRun'), n.lastRun ? formatDateTime(n.lastRun) : t('overview.never'))}
      </ul>
      {can('export:AuditLog') && (
        <section class="card" aria-labelledby="evidence-title">
          <h2 id="evidence-title">{t('overview.evidence')}</h2>
          <p class="muted">{t('overview.evidenceHint')}</p>
          <a class="button primary" href="/api/staff/evidence" download>
            {t('overview.evidenceDownload')}
          </a>
        </section>
      )}
    </>
  );
}
