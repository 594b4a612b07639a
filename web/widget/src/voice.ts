// Voice input, only with the visitor's voice_input consent. Speech recognition is the browser's
// (it may send the audio to the browser's vendor: hence the consent); where there is none, or it
// fails (the microphone refused, no network), the visitor is told so instead of nothing happening.
import { h, icon } from './dom.ts';
import type { Host } from './host.ts';

interface Recognition {
  lang: string;
  interimResults: boolean;
  onresult: ((e: { results: ArrayLike<ArrayLike<{ transcript: string }>> }) => void) | null;
  onerror: ((e: { error?: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
}
type RecognitionCtor = new () => Recognition;

/** The microphone button, or null without the consent. `say` shows a problem beside the composer ('' clears it). */
export function voiceButton(
  host: Host,
  textarea: HTMLTextAreaElement,
  changed: () => void,
  say: (text: string) => void,
): HTMLButtonElement | null {
  if (host.consents?.voice_input !== true) return null;
  const w = window as unknown as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  const Ctor = w.SpeechRecognition ?? w.webkitSpeechRecognition;
  let active: Recognition | null = null;
  const button: HTMLButtonElement = h(
    'button',
    { type: 'button', class: 'icon', 'aria-label': host.t('chat.voice'), 'aria-pressed': 'false' },
    icon('mic'),
  );
  const set = (on: boolean) => {
    button.setAttribute('aria-pressed', String(on));
    button.setAttribute('aria-label', host.t(on ? 'chat.voiceStop' : 'chat.voice'));
  };
  button.addEventListener('click', () => {
    if (active) return active.stop();
    if (!Ctor) return say(host.t('chat.voiceUnsupported'));
    say('');
    const rec = new Ctor();
    rec.lang = host.language;
    rec.interimResults = false;
    rec.onresult = (e) => {
      const said = Array.from(e.results, (r) => r[0]?.transcript ?? '')
        .join(' ')
        .trim();
      if (said)
        textarea.setRangeText(
          (textarea.value ? ' ' : '') + said,
          textarea.selectionStart,
          textarea.selectionEnd,
          'end',
        );
      changed();
    };
    rec.onerror = (e) => {
      if (e.error === 'aborted' || e.error === 'no-speech') return;
      say(
        host.t(
          e.error === 'not-allowed' || e.error === 'service-not-allowed' || e.error === 'audio-capture'
            ? 'chat.voiceDenied'
            : 'chat.voiceFailed',
        ),
      );
    };
    rec.onend = () => {
      active = null;
      set(false);
      textarea.focus();
    };
    active = rec;
    set(true);
    try {
      rec.start();
    } catch {
      active = null;
      set(false);
      say(host.t('chat.voiceFailed'));
    }
  });
  return button;
}
