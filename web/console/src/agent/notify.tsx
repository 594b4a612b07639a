// Opt-in alerts for new conversations in the queue: a short tone and a desktop notification naming
// the site and the reason (no visitor data). The choice is remembered in this browser.
import { signal } from '@preact/signals';
import type { AgentConversation } from '../../../../protocol/agent.ts';
import { t } from '../i18n.ts';
import { reasonLabel } from './labels.ts';

const STORE = 'palisade.console.agent.alerts';
const stored = (() => {
  try {
    return localStorage.getItem(STORE) === 'on';
  } catch {
    return false;
  }
})();
export const alertsOn = signal(stored);
const supported = typeof Notification !== 'undefined';

async function setAlerts(on: boolean): Promise<void> {
  alertsOn.value = on;
  try {
    localStorage.setItem(STORE, on ? 'on' : 'off');
  } catch {
    /* private mode: the choice lasts this page */
  }
  if (on && supported && Notification.permission === 'default') await Notification.requestPermission();
}

function tone(): void {
  try {
    const audio = new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.08;
    osc.frequency.value = 880;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.15);
    osc.onended = () => void audio.close();
  } catch {
    /* no audio output: the notification still shows */
  }
}

/** Called with the conversations that newly arrived in the queue (not on the first read). */
export function alertNew(arrived: AgentConversation[]): void {
  if (!alertsOn.value || arrived.length === 0) return;
  tone();
  if (!supported || Notification.permission !== 'granted') return;
  for (const c of arrived) {
    try {
      new Notification(t('agent.alerts.title'), {
        body: `${c.site} · ${c.language ?? '—'} · ${reasonLabel(c.reason)}`,
        tag: c.id,
      });
    } catch {
      /* a browser that allows notifications only from a service worker: the tone has played */
    }
  }
}

export function AlertsToggle() {
  const denied = supported && alertsOn.value && Notification.permission === 'denied';
  return (
    <div class="alerts">
      <label>
        <input type="checkbox" checked={alertsOn.value} onChange={(e) => void setAlerts(e.currentTarget.checked)} />{' '}
        {t('agent.alerts')}
      </label>
      {denied && <small class="muted">{t('agent.alerts.denied')}</small>}
    </div>
  );
}
