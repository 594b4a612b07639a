// After the chat ends: 1–5 stars as a native radio group (arrow keys choose, Tab leaves), then a
// way to start over.
import { h } from './dom.ts';
import type { ConversationView } from './types.ts';
import type { Host } from './host.ts';

export function renderRating(host: Host): HTMLElement {
  const t = host.t.bind(host);
  const error = h('p', { class: 'error', role: 'alert' });
  const labels: HTMLLabelElement[] = [];
  const radios = [1, 2, 3, 4, 5].map((n) => {
    const input = h('input', {
      type: 'radio',
      name: 'palisade-stars',
      value: String(n),
      'aria-label': t('rating.star', { n }),
      'data-autofocus': n === 1,
    });
    labels.push(h('label', {}, input, h('span', { 'aria-hidden': 'true' }, '★')));
    return input;
  });
  const paint = () => {
    const score = Number(radios.find((r) => r.checked)?.value ?? 0);
    labels.forEach((l, i) => l.classList.toggle('on', i < score));
  };
  radios.forEach((r) => r.addEventListener('change', paint));
  const restart = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      on: { click: () => void host.newConversation().catch((err) => (error.textContent = host.errorText(err))) },
    },
    t('chat.newConversation'),
  );
  const done = (thanks: boolean) => {
    form.replaceChildren(
      ...(thanks ? [h('p', { role: 'status' }, t('rating.thanks'))] : []),
      h('p', {}, t('chat.closed')),
      restart,
      error,
    );
    restart.focus();
  };
  const form: HTMLFormElement = h(
    'form',
    {
      class: 'rating pad',
      'aria-labelledby': 'palisade-rating-title',
      on: {
        submit: async (e) => {
          e.preventDefault();
          const score = Number(radios.find((r) => r.checked)?.value ?? 0);
          if (!score) return radios[0]!.focus();
          try {
            const res = await host.call<{ conversation: ConversationView }>('POST', '/api/widget/rating', { score });
            host.conversation = res.conversation;
            done(true);
          } catch (err) {
            error.textContent = host.errorText(err);
          }
        },
      },
    },
    h('h3', { id: 'palisade-rating-title' }, t('rating.title')),
    h('fieldset', { class: 'stars' }, h('legend', { class: 'sr-only' }, t('rating.title')), labels),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('rating.submit')),
      h('button', { type: 'button', on: { click: () => done(false) } }, t('rating.skip')),
    ),
    error,
  );
  return form;
}
