// The chat screen's status lines: the banner that follows the conversation (queue, office hours,
// agent, closed) and the "is typing" line, which clears itself when no event renews it.
import { h } from './dom.ts';
import type { Host } from './host.ts';
import type { ConversationView } from './types.ts';

/** A typing indicator stays this long unless renewed (the sender repeats it while typing). */
const TYPING_MS = 8000;

export function bannerText(host: Host, c: ConversationView): string {
  const t = host.t.bind(host);
  if (c.status === 'closed') return t('chat.closed');
  if (c.mode === 'queued' && !c.officeHours.open) {
    const next = c.officeHours.nextOpen ? new Date(c.officeHours.nextOpen) : null;
    if (!next) return t('chat.offlineSoon');
    const format = new Intl.DateTimeFormat(host.language, { dateStyle: 'medium', timeStyle: 'short' });
    return t('chat.offline', { time: format.format(next) });
  }
  if (c.mode === 'queued') return t('chat.queued');
  if (c.mode === 'agent') return t('chat.withAgent');
  return '';
}

export class TypingLine {
  readonly el = document.createElement('div');
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: Host) {
    this.el.className = 'typing';
    this.el.setAttribute('aria-hidden', 'true');
  }

  /** Shows who is typing (announced once to screen readers), or clears the line. */
  set(by: 'assistant' | 'agent' | null): void {
    clearTimeout(this.timer);
    const text = by ? this.host.t(by === 'agent' ? 'chat.typing.agent' : 'chat.typing.assistant') : '';
    if (this.el.textContent !== text && text) this.host.announce(text);
    this.el.textContent = text;
    if (by) this.timer = setTimeout(() => this.set(null), TYPING_MS);
  }
}

/** "New conversation" under a closed or lost conversation. */
export function newConversationButton(host: Host, className: string, onClick: () => void): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'primary', on: { click: onClick } },
    host.t('chat.newConversation'),
  );
  return h('div', { class: className }, button);
}
