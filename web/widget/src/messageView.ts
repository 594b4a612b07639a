// One message in the log. Text of every role goes through the Markdown renderer (DOM APIs only);
// AI answers carry their sources and Helpful / Not helpful; notices are translated by code.
import { renderAttachment } from './attachments.ts';
import { h } from './dom.ts';
import type { StringKey } from './i18n.ts';
import { renderMarkdown } from './renderMarkdown.ts';
import type { MessageView } from './types.ts';
import type { Host } from './host.ts';

export function renderText(text: string): HTMLElement {
  return h('div', { class: 'text', dir: 'auto' }, renderMarkdown(text));
}

/** The answer's offer of a person ("I don't know … connect you with a member of our team?") as two buttons. */
export function renderOffer(host: Host, onAnswer: (yes: boolean) => void): HTMLElement {
  return h(
    'div',
    { class: 'offer', role: 'group', 'aria-label': host.t('chat.offerLabel') },
    h('button', { type: 'button', class: 'primary', on: { click: () => onAnswer(true) } }, host.t('chat.offerYes')),
    h('button', { type: 'button', on: { click: () => onAnswer(false) } }, host.t('chat.offerNo')),
  );
}

export function renderMessage(
  host: Host,
  m: MessageView,
  onFeedback: (m: MessageView, helpful: boolean) => void,
): HTMLElement {
  if (m.role === 'system') {
    const key = `notice.${m.notice}` as StringKey;
    const text = m.notice && host.t(key) !== key ? host.t(key) : m.text;
    return h('div', { class: 'notice', dir: 'auto', 'data-seq': m.seq, 'data-id': m.id }, text);
  }
  const who =
    m.role === 'visitor'
      ? host.t('chat.you')
      : m.role === 'agent'
        ? (m.agent?.name ?? host.t('chat.agent'))
        : host.t('chat.assistant');
  const el = h(
    'div',
    { class: `msg ${m.role}`, 'data-seq': m.seq, 'data-id': m.id },
    h('div', { class: 'who', dir: 'auto' }, who),
    renderText(m.text),
  );
  for (const a of m.attachments ?? []) el.append(renderAttachment(host, a, host.t('chat.image')));
  if (m.role === 'assistant') {
    if (m.sources?.length && m.offer !== 'handoff') {
      el.append(
        h(
          'div',
          { class: 'sources' },
          h('span', {}, host.t('chat.sources')),
          h(
            'ul',
            {},
            m.sources.map((s) => h('li', { dir: 'auto' }, s.title)),
          ),
        ),
      );
    }
    const button = (helpful: boolean, key: StringKey) =>
      h(
        'button',
        { type: 'button', 'aria-pressed': String(m.feedback === helpful), on: { click: () => onFeedback(m, helpful) } },
        host.t(key),
      );
    el.append(h('div', { class: 'feedback' }, button(true, 'chat.helpful'), button(false, 'chat.notHelpful')));
  }
  return el;
}

/** A visitor message not yet acknowledged by the server (or refused, with the reason). */
export function renderPending(host: Host, p: { clientId: string; text: string }, failure: string | null): HTMLElement {
  return h(
    'div',
    { class: 'msg visitor pending', 'data-client-id': p.clientId },
    h('div', { class: 'who' }, host.t('chat.you')),
    renderText(p.text),
    h('div', { class: 'state' }, failure ? `${host.t('chat.failed')}: ${failure}` : host.t('chat.sending')),
  );
}

/** The answer while it streams in: replaced by the committed message with the same id. */
export function renderStreaming(host: Host, reply: { id: string; text: string }): HTMLElement {
  return h(
    'div',
    { class: 'msg assistant streaming', 'data-reply-id': reply.id },
    h('div', { class: 'who' }, host.t('chat.assistant')),
    renderText(reply.text),
  );
}
