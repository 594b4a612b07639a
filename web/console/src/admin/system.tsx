// System: the version, the database, the cluster bus, the audit chain's head and last
// verification, the retention timer, and the settings on the allow-list (never a secret).
import { useEffect, useState } from 'preact/hooks';
import { SystemAnswer } from '../../../../protocol/system.ts';
import { call } from '../api.ts';
import { formatDateTime, formatNumber, t, type Key } from '../i18n.ts';
import { ErrorNote, useAction } from '../ui.tsx';

const BUS: Record<SystemAnswer['cluster']['bus'], Key> = {
  redis: 'system.bus.redis',
  postgres: 'system.bus.postgres',
  process: 'system.bus.process',
};

function Rows({ rows }: { rows: [Key, preact.ComponentChildren][] }) {
  return (
    <table>
      <tbody>
        {rows.map(([label, value]) => (
          <tr key={label}>
            <th scope="row">{t(label)}</th>
            <td>{value}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function verifyText(v: SystemAnswer['audit']['lastVerify']): string {
  if (!v) return t('system.neverVerified');
  const n = v.checked === null ? '—' : formatNumber(v.checked);
  return t(v.ok ? 'system.verifiedOk' : 'system.verifiedBroken', { at: formatDateTime(v.at), n });
}

export function SystemScreen() {
  const [s, setS] = useState<SystemAnswer | null>(null);
  const load = useAction();
  useEffect(() => void load.run(async () => setS(await call(SystemAnswer, 'GET', '/api/system'))), []);
  return (
    <>
      <ErrorNote error={load.error} />
      {s && (
        <>
          <section class="card" aria-labelledby="system-running">
            <h2 id="system-running">{t('system.running')}</h2>
            <Rows
              rows={[
                ['system.version', <span data-testid="system-version">{s.version}</span>],
                ['system.node', <code>{s.node}</code>],
                ['system.nodeVersion', s.nodeVersion],
                ['system.startedAt', formatDateTime(s.startedAt)],
                [
                  'system.database',
                  s.database.kind === 'pglite'
                    ? t('system.db.pglite', { v: s.database.serverVersion ?? '—' })
                    : t('system.db.postgres', { v: s.database.serverVersion ?? '—' }),
                ],
                ['system.bus', t(BUS[s.cluster.bus])],
              ]}
            />
          </section>
          <section class="card" aria-labelledby="system-audit">
            <h2 id="system-audit">{t('system.audit')}</h2>
            <Rows
              rows={[
                [
                  'system.head',
                  <span>
                    {t('system.headValue', { seq: s.audit.head.seq })} <code class="wrap">{s.audit.head.hash}</code>
                  </span>,
                ],
                ['system.unsealed', formatNumber(s.audit.unsealed)],
                ['system.lastVerify', verifyText(s.audit.lastVerify)],
              ]}
            />
          </section>
          <section class="card" aria-labelledby="system-retention">
            <h2 id="system-retention">{t('system.retention')}</h2>
            <Rows
              rows={[
                [
                  'system.retentionEvery',
                  s.retention.intervalSeconds > 0
                    ? t('system.seconds', { n: formatNumber(s.retention.intervalSeconds) })
                    : t('system.retentionOff'),
                ],
                [
                  'system.nextRun',
                  s.retention.nextRunAt ? formatDateTime(s.retention.nextRunAt) : t('system.retentionOff'),
                ],
                [
                  'system.lastRun',
                  s.retention.lastRun
                    ? `${formatDateTime(s.retention.lastRun.at)} · ${s.retention.lastRun.status}`
                    : t('system.never'),
                ],
              ]}
            />
          </section>
          <section class="card" aria-labelledby="system-settings">
            <h2 id="system-settings">{t('system.settings')}</h2>
            <p class="muted">{t('system.settingsHint')}</p>
            <div class="table-wrap">
              <table>
                <caption class="sr-only">{t('system.settings')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('system.col.name')}</th>
                    <th scope="col">{t('system.col.value')}</th>
                  </tr>
                </thead>
                <tbody>
                  {s.settings.map((x) => (
                    <tr key={x.name}>
                      <th scope="row">
                        <code>{x.name}</code>
                      </th>
                      <td>{x.value === null ? <span class="muted">{t('system.unset')}</span> : String(x.value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        </>
      )}
    </>
  );
}
