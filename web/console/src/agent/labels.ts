// Labels the queue, the conversation and the alerts share: the handoff reason and the waiting time.
import { t, type Key } from '../i18n.ts';

export function waited(since: string | null, now: number): string {
  if (!since) return '—';
  const s = Math.max(0, Math.floor((now - Date.parse(since)) / 1000));
  if (s < 60) return t('agent.wait.seconds', { s });
  if (s < 3600) return t('agent.wait.minutes', { m: Math.floor(s / 60), s: s % 60 });
  return t('agent.wait.hours', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export const reasonLabel = (reason: string | null) => (reason ? t(`agent.reason.${reason}` as Key) : '—');
