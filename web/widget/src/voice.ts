// Voice input, only with the visitor's voice_input consent and a browser that has speech
// recognition (which may send the audio to the browser's vendor: hence the consent).
import { h } from './dom.ts';
import type { Host } from './widget.ts';

interface Recognition {
  lang: string;
  interimResults: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
}
type RecognitionCtor = new () => Recognition;

export function voiceButton(host: Host, textarea: HTMLTextAreaElement, changed: () => void): HTMLButtonElement | null {
  const w = window as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  const Ctor = w.SpeechRecognition ?? w.webkitSpeechRecognition;
  if (!Ctor || host.consents?.voice_input !== true) return null;
  let active: Recognition | null = null;
  const button: HTMLButtonElement = h('button', { type: 'button', class: 'icon', 'aria-label': host.t('chat.voice'), 'aria-pressed': 'false' }, '🎤');
  const set = (on: boolean) => {
    button.setAttribute('aria-pressed', String(on));
    button.setAttribute('aria-label', host.t(on ? 'chat.voiceStop' : 'chat.voice'));
  };
  button.addEventListener('click', () => {
    if (active) return active.stop();
    const rec = new Ctor();
    rec.lang = host.language;
    rec.interimResults = false;
    rec.onresult = (e) => {
      const said = Array.from(e.results, (r) => r[0]?.transcript ?? '').join(' ').trim();
      if (said) textarea.setRangeText((textarea.value ? ' ' : '') + said, textarea.selectionStart, textarea.selectionEnd, 'end');
      changed();
    };
    rec.onend = () => {
      active = null;
      set(false);
      textarea.focus();
    };
    active = rec;
    set(true);
    rec.start();
  });
  return button;
}
