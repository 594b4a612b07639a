// Where the visitor writes: Enter sends, Shift+Enter is a new line; a character counter against
// the site's limit; emoji, attachments and (with consent) voice input.
import { checkFile, uploadFile } from './attachments.ts';
import { h, icon } from './dom.ts';
import { openEmojiPicker } from './emoji.ts';
import type { Attachment } from './types.ts';
import { voiceButton } from './voice.ts';
import type { Host } from './host.ts';

export interface Composer {
  el: HTMLElement;
  textarea: HTMLTextAreaElement;
  update(): void;
  setError(text: string): void;
}

export function renderComposer(
  host: Host,
  send: (text: string, attachmentIds: string[]) => boolean,
  typed: () => void = () => {},
): Composer {
  const limit = host.config.site.limits.messageChars;
  const staged: { attachment: Attachment; name: string }[] = [];
  const counter = h('span', { class: 'counter', id: 'palisade-counter' });
  const error = h('p', { class: 'error', role: 'alert' });
  const chips = h('div', { class: 'chips' });
  const textarea = h('textarea', {
    id: 'palisade-input',
    rows: 2,
    placeholder: host.t('chat.placeholder'),
    'aria-describedby': 'palisade-counter',
    'data-autofocus': true,
  });
  const update = () => {
    const n = textarea.value.length;
    counter.textContent = host.t('chat.counter', { n, max: limit });
    counter.classList.toggle('over', n > limit);
  };
  const renderChips = () =>
    chips.replaceChildren(
      ...staged.map((s, i) =>
        h(
          'span',
          { class: 'chip' },
          s.name,
          h(
            'button',
            {
              type: 'button',
              class: 'link',
              'aria-label': host.t('chat.removeAttachment', { name: s.name }),
              on: { click: () => (staged.splice(i, 1), renderChips(), textarea.focus()) },
            },
            '✕',
          ),
        ),
      ),
    );
  const submit = () => {
    const text = textarea.value.trim() || staged.map((s) => `📎 ${s.name}`).join('\n');
    if (!text) return;
    if (
      send(
        text,
        staged.map((s) => s.attachment.id),
      )
    ) {
      textarea.value = '';
      staged.length = 0;
      renderChips();
      update();
    }
    textarea.focus();
  };
  textarea.addEventListener('input', () => {
    update();
    if (textarea.value.trim()) typed();
    if (textarea.value.length <= limit) error.textContent = '';
  });
  textarea.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
  });

  const file = h('input', {
    type: 'file',
    accept: host.config.site.attachments.types.join(','),
    hidden: true,
    tabindex: '-1',
  });
  file.addEventListener('change', async () => {
    const picked = file.files?.[0];
    file.value = '';
    if (!picked) return;
    const problem = checkFile(host, picked);
    if (problem) return void (error.textContent = problem);
    error.textContent = '';
    host.announce(host.t('chat.uploading', { name: picked.name }));
    try {
      staged.push({ attachment: await uploadFile(host, picked), name: picked.name });
      renderChips();
    } catch (err) {
      error.textContent = host.errorText(err);
    }
    textarea.focus();
  });

  const emoji: HTMLButtonElement = h(
    'button',
    {
      type: 'button',
      class: 'icon',
      'aria-label': host.t('chat.emoji'),
      'aria-haspopup': 'true',
      'aria-expanded': 'false',
      on: { click: () => openEmojiPicker(emoji, textarea) },
    },
    icon('smile'),
  );
  const attach = h(
    'button',
    { type: 'button', class: 'icon', 'aria-label': host.t('chat.attach'), on: { click: () => file.click() } },
    icon('attach'),
  );
  const tools = h(
    'div',
    { class: 'tools' },
    emoji,
    attach,
    voiceButton(host, textarea, update, (text) => (error.textContent = text)),
    h('span', { class: 'grow' }),
    counter,
    h('button', { type: 'button', class: 'primary', on: { click: submit } }, host.t('chat.send')),
  );
  const el = h(
    'div',
    { class: 'composer' },
    chips,
    h('label', { for: 'palisade-input', class: 'sr-only' }, host.t('chat.inputLabel')),
    textarea,
    tools,
    file,
    error,
  );
  update();
  return { el, textarea, update, setError: (text) => (error.textContent = text) };
}
