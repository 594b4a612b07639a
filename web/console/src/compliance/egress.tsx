// Where data went: model calls per day, target and route (local or cloud), with tokens and the
// redacted entity counts; an SVG bar chart and the table. Counts only, never text.
import { useEffect, useState } from 'preact/hooks';
import { EgressAnswer, type EgressRow } from '../../../../protocol/staff.ts';
import { call, withQuery } from '../api.ts';
import { formatNumber, t, timeZone, type Key } from '../i18n.ts';
import { ErrorNote, Field, useAction } from '../ui.tsx';

/** The user's own calendar day, as a date input holds it. */
const day = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 10);

export function EgressScreen() {
  const [from, setFrom] = useState(day(new Date(Date.now() - 6 * 86_400_000)));
  const [to, setTo] = useState(day(new Date()));
  const [rows, setRows] = useState<EgressRow[] | null>(null);
  const { busy, error, run } = useAction();
  const load = () =>
    run(async () => {
      const start = new Date(`${from}T00:00:00`).toISOString();
      const end = new Date(new Date(`${to}T00:00:00`).getTime() + 86_400_000).toISOString();
      setRows(
        (await call(EgressAnswer, 'GET', withQuery('/api/staff/egress', { from: start, to: end, timeZone }))).rows,
      );
    });
  useEffect(() => void load(), []);
  const cloud = rows?.filter((r) => r.location === 'cloud').reduce((n, r) => n + r.requests, 0) ?? 0;
  const max = Math.max(1, ...(rows ?? []).map((r) => r.requests));
  return (
    <>
      <form
        class="card inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <Field label={t('egress.from')} id="eg-from">
          <input id="eg-from" type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </Field>
        <Field label={t('egress.to')} id="eg-to">
          <input id="eg-to" type="date" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>
            {t('egress.show')}
          </button>
        </div>
      </form>
      <ErrorNote error={error} />
      {rows && (
        <>
          <p class={rows.length === 0 ? 'muted' : cloud ? 'notice' : 'ok'} role="status">
            {rows.length === 0
              ? t('egress.none')
              : cloud
                ? t('egress.cloudCalls', { n: formatNumber(cloud) })
                : t('egress.noCloud')}
          </p>
          {rows.length > 0 && (
            <svg class="chart" role="img" aria-label={t('egress.chart')} viewBox={`0 0 600 ${rows.length * 22 + 4}`}>
              {rows.map((r, i) => (
                <g key={`${r.day}${r.target}${r.route}`} transform={`translate(0 ${i * 22 + 2})`}>
                  <text x="0" y="14" class="chart-label">{`${r.day} ${r.target}`}</text>
                  <rect
                    x="220"
                    y="2"
                    height="16"
                    width={Math.max(2, (r.requests / max) * 360)}
                    class={`bar bar-${r.location}`}
                  />
                  <text x={226 + (r.requests / max) * 360} y="14" class="chart-label">
                    {formatNumber(r.requests)}
                  </text>
                </g>
              ))}
            </svg>
          )}
          <div class="table-wrap">
            <table>
              <caption>{t('egress.table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('egress.col.day')}</th>
                  <th scope="col">{t('egress.col.target')}</th>
                  <th scope="col">{t('egress.col.location')}</th>
                  <th scope="col">{t('egress.col.route')}</th>
                  <th scope="col">{t('egress.col.requests')}</th>
                  <th scope="col">{t('egress.col.tokens')}</th>
                  <th scope="col">{t('egress.col.entities')}</th>
                  <th scope="col">{t('egress.col.failed')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r) => (
                  <tr key={`${r.day}${r.target}${r.route}`}>
                    <td>{r.day}</td>
                    <td>
                      <code>{r.target}</code>
                    </td>
                    <td class={r.location === 'cloud' ? 'overdue' : ''}>{t(`egress.location.${r.location}` as Key)}</td>
                    <td>{r.route}</td>
                    <td>{formatNumber(r.requests)}</td>
                    <td>
                      {formatNumber(r.tokensIn)} / {formatNumber(r.tokensOut)}
                    </td>
                    <td>{formatNumber(r.entities)}</td>
                    <td>{formatNumber(r.failed)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p class="muted">{t('egress.drill')}</p>
        </>
      )}
    </>
  );
}
