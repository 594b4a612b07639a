// How a period went: the AI's resolution rate, why conversations went to a person, how fast people
// answered and how long they took, what visitors rated, how often the AI did not know; bar charts
// with their tables, and the same figures as a CSV file.
import { useEffect, useState } from 'preact/hooks';
import { PeriodStats } from '../../../../protocol/supervisor.ts';
import { ApiError, call, refreshSession, withQuery } from '../api.ts';
import { formatDate, t } from '../i18n.ts';
import { reasonLabel } from '../agent/labels.ts';
import { download, ErrorNote, Field, useAction } from '../ui.tsx';
import { Bars } from './bars.tsx';
import { decimal, duration, percent } from './labels.ts';

const DAY = 86_400_000;
/** yyyy-mm-dd of a local day */
const dayOf = (d: Date) =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
/** The form's local days as the API's [from, to): from the first day's midnight to the midnight after the last. */
const periodOf = (from: string, to: string) => ({
  from: new Date(`${from}T00:00`).toISOString(),
  to: new Date(new Date(`${to}T00:00`).getTime() + DAY).toISOString(),
});

async function fetchCsv(path: string): Promise<string> {
  let res = await fetch(path, { credentials: 'same-origin' });
  if (res.status === 401 && (await refreshSession())) res = await fetch(path, { credentials: 'same-origin' });
  if (!res.ok) throw new ApiError(res.status, `http_${res.status}`, res.statusText || 'Download failed');
  return res.text();
}

export function PeriodSection() {
  const today = new Date();
  const [from, setFrom] = useState(dayOf(new Date(today.getTime() - 6 * DAY)));
  const [to, setTo] = useState(dayOf(today));
  const [stats, setStats] = useState<PeriodStats | null>(null);
  const load = useAction();
  const csv = useAction();
  const show = () =>
    load.run(async () =>
      setStats(await call(PeriodStats, 'GET', withQuery('/api/supervisor/stats', periodOf(from, to)))),
    );
  useEffect(() => void show(), []);
  const exportCsv = () =>
    csv.run(async () => {
      const text = await fetchCsv(withQuery('/api/supervisor/stats.csv', periodOf(from, to)));
      download(`palisade-team-${from}-${to}.csv`, text, 'text/csv');
    });
  return (
    <section class="card" aria-labelledby="sup-period-title">
      <h2 id="sup-period-title">{t('sup.period.title')}</h2>
      <form
        class="sup-period-form"
        onSubmit={(e) => {
          e.preventDefault();
          void show();
        }}
      >
        <Field label={t('sup.period.from')} id="sup-from">
          <input
            id="sup-from"
            type="date"
            value={from}
            max={to}
            required
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </Field>
        <Field label={t('sup.period.to')} id="sup-to">
          <input id="sup-to" type="date" value={to} min={from} required onInput={(e) => setTo(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary" disabled={load.busy}>
          {t('sup.period.show')}
        </button>
        <button type="button" disabled={csv.busy || !stats} onClick={exportCsv}>
          {t('sup.period.csv')}
        </button>
      </form>
      <ErrorNote error={load.error} />
      <ErrorNote error={csv.error} />
      {stats && <Figures stats={stats} />}
    </section>
  );
}

function Figures({ stats: s }: { stats: PeriodStats }) {
  const last = new Date(Date.parse(s.to) - 1).toISOString();
  return (
    <div aria-live="polite">
      <p class="muted" data-testid="period-range">
        {t('sup.period.range', { from: formatDate(s.from), to: formatDate(last) })}
      </p>
      <dl class="sup-figures">
        <div>
          <dt>{t('sup.fig.aiRate')}</dt>
          <dd data-testid="ai-rate">{percent(s.aiResolutionRate)}</dd>
          <dd class="muted">{t('sup.fig.aiOf', { resolved: s.aiResolved, closed: s.closed })}</dd>
        </div>
        <div>
          <dt>{t('sup.fig.firstResponse')}</dt>
          <dd data-testid="first-response">{duration(s.firstResponse.p50Seconds)}</dd>
          <dd class="muted">
            {t('sup.fig.p90', { p90: duration(s.firstResponse.p90Seconds), n: s.firstResponse.count })}
          </dd>
        </div>
        <div>
          <dt>{t('sup.fig.handle')}</dt>
          <dd data-testid="handle-time">{duration(s.handleTime.p50Seconds)}</dd>
          <dd class="muted">{t('sup.fig.p90', { p90: duration(s.handleTime.p90Seconds), n: s.handleTime.count })}</dd>
        </div>
        <div>
          <dt>{t('sup.fig.rating')}</dt>
          <dd data-testid="rating">
            {s.satisfaction.average === null ? '—' : t('sup.fig.ratingOf', { avg: decimal(s.satisfaction.average) })}
          </dd>
          <dd class="muted">{t('sup.fig.ratings', { n: s.satisfaction.count })}</dd>
        </div>
        <div>
          <dt>{t('sup.fig.unanswered')}</dt>
          <dd data-testid="unanswered">{s.unanswered}</dd>
          <dd class="muted">{t('sup.fig.unansweredHint')}</dd>
        </div>
      </dl>
      <div class="sup-two">
        <Bars
          id="sup-reasons"
          title={t('sup.chart.reasons')}
          valueHeader={t('sup.col.handoffs')}
          bars={s.handoffs.map((h) => ({ label: reasonLabel(h.reason), value: h.count }))}
        />
        <Bars
          id="sup-ratings"
          title={t('sup.chart.ratings')}
          valueHeader={t('sup.col.ratings')}
          bars={s.satisfaction.distribution.map((d) => ({ label: t('sup.stars', { n: d.score }), value: d.count }))}
        />
      </div>
    </div>
  );
}
