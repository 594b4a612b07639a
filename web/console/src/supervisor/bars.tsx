// A horizontal bar chart in plain SVG, with the same numbers as a table for screen readers and for
// anyone who prefers one: the SVG is one image with a summary for a name, the table holds the data.
import { t } from '../i18n.ts';

export interface Bar {
  label: string;
  value: number;
}

const ROW = 28;
const LABEL_W = 190;
const BAR_W = 250;
const WIDTH = LABEL_W + BAR_W + 60;

export function Bars({
  id,
  title,
  bars,
  valueHeader,
}: {
  id: string;
  title: string;
  bars: Bar[];
  valueHeader: string;
}) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const total = bars.reduce((n, b) => n + b.value, 0);
  const summary = bars.map((b) => `${b.label}: ${b.value}`).join('; ');
  return (
    <figure class="bars" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>
        {title} <span class="muted">({t('sup.total', { n: total })})</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${WIDTH} ${bars.length * ROW + 4}`}
        role="img"
        aria-label={`${title}. ${summary}`}
        data-testid={`${id}-chart`}
      >
        {bars.map((b, i) => {
          const y = i * ROW + 4;
          const w = Math.round((b.value / max) * BAR_W);
          return (
            <g key={b.label}>
              <text x={LABEL_W - 8} y={y + ROW / 2} text-anchor="end" dominant-baseline="middle" class="bar-label">
                {b.label}
              </text>
              <rect
                x={LABEL_W}
                y={y + 4}
                width={Math.max(w, b.value > 0 ? 2 : 0)}
                height={ROW - 10}
                rx="2"
                class="bar"
              />
              <text x={LABEL_W + w + 6} y={y + ROW / 2} dominant-baseline="middle" class="bar-value">
                {b.value}
              </text>
            </g>
          );
        })}
      </svg>
      <details>
        <summary>{t('sup.asTable', { title })}</summary>
        <div class="table-wrap">
          <table>
            <caption class="sr-only">{title}</caption>
            <thead>
              <tr>
                <th scope="col">{t('sup.col.item')}</th>
                <th scope="col">{valueHeader}</th>
              </tr>
            </thead>
            <tbody>
              {bars.map((b) => (
                <tr key={b.label}>
                  <th scope="row">{b.label}</th>
                  <td>{b.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
