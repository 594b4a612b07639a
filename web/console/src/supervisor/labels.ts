// How the board writes durations, rates and averages, in the chosen language.
import { formatNumber, t } from '../i18n.ts';

/** A duration of whole seconds: 45 s, 3 min 5 s, 2 h 10 min (the agent queue's wording). */
export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return t('agent.wait.seconds', { s });
  if (s < 3600) return t('agent.wait.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('agent.wait.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export const percent = (rate: number | null) =>
  rate === null ? '—' : `${formatNumber(Math.round(rate * 1000) / 10)} %`;
export const decimal = (n: number | null) => (n === null ? '—' : formatNumber(n));
