// The menu: language, text size, theme (kept in localStorage), and the visitor's rights:
// download or erase their data, change consents, end the chat.
import { ApiError, request } from './api.ts';
import { h } from './dom.ts';
import { AUTONYMS, isLanguage, type StringKey } from './i18n.ts';
import type { ConversationView } from './types.ts';
import type { Host } from './host.ts';

export function renderMenu(host: Host, close: () => void): Node[] {
  const t = host.t.bind(host);
  const prefs = host.storage.prefs;
  const status = h('p', { class: 'error', role: 'alert' });
  const fail = (err: unknown) => (status.textContent = host.errorText(err));

  const languages = (host.config?.site.languages ?? ['en']).filter(isLanguage);
  const select = h(
    'select',
    {
      id: 'palisade-lang',
      on: { change: () => isLanguage(select.value) && host.setPrefs({ language: select.value }) },
    },
    languages.map((l) => h('option', { value: l, selected: l === host.language, lang: l }, AUTONYMS[l])),
  );
  const toggle = <V extends string>(label: StringKey, current: V, options: [V, StringKey][], pick: (v: V) => void) =>
    h(
      'div',
      { class: 'row', role: 'group', 'aria-label': t(label) },
      h('span', { 'aria-hidden': 'true' }, t(label)),
      options.map(([value, key]) =>
        h(
          'button',
          {
            type: 'button',
            'aria-pressed': String(current === value),
            'data-pref': value,
            on: { click: () => pick(value) },
          },
          t(key),
        ),
      ),
    );
  const signedIn = !!host.token;
  const closed = host.conversation?.status === 'closed';

  const download = async () => {
    try {
      const res = await request(host.base, 'GET', '/api/widget/me/export', { token: host.token });
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: `palisade-my-data-${new Date().toISOString().slice(0, 10)}.json` });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      fail(err);
    }
  };
  const eraseRow = h('div', { class: 'row' });
  const askErase = () => {
    eraseRow.replaceChildren(
      h('p', { id: 'palisade-erase-q' }, t('menu.eraseConfirm')),
      h(
        'button',
        { type: 'button', class: 'primary', 'aria-describedby': 'palisade-erase-q', on: { click: () => void erase() } },
        t('menu.eraseYes'),
      ),
      h(
        'button',
        { type: 'button', on: { click: () => (eraseRow.replaceChildren(eraseButton), eraseButton.focus()) } },
        t('menu.cancel'),
      ),
    );
    eraseRow.querySelector('button')?.focus();
  };
  const eraseButton = h('button', { type: 'button', disabled: !signedIn, on: { click: askErase } }, t('menu.erase'));
  eraseRow.append(eraseButton);
  const erase = async () => {
    try {
      const res = await host.call<{ request: { id: string; state: string } }>('POST', '/api/widget/me/erasure', {
        confirm: true,
      });
      host.forgetSession();
      close();
      host.showErased(res.request);
    } catch (err) {
      fail(err instanceof ApiError && err.id === 'legal_hold' ? new ApiError(409, 'legal_hold', '', null) : err);
    }
  };
  const endChat = async () => {
    try {
      const res = await host.call<{ conversation: ConversationView }>('POST', '/api/widget/close', {});
      host.conversation = res.conversation;
      close();
      host.showRating();
    } catch (err) {
      fail(err);
    }
  };

  return [
    h('div', { class: 'row' }, h('label', { for: 'palisade-lang' }, t('menu.language')), select),
    toggle(
      'menu.fontSize',
      prefs.size ?? 'normal',
      [
        ['normal', 'menu.fontNormal'],
        ['large', 'menu.fontLarge'],
      ],
      (size) => host.setPrefs({ size }),
    ),
    toggle(
      'menu.theme',
      prefs.theme ?? 'light',
      [
        ['light', 'menu.light'],
        ['dark', 'menu.dark'],
      ],
      (theme) => host.setPrefs({ theme }),
    ),
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', disabled: !signedIn, on: { click: () => void download() } }, t('menu.download')),
    ),
    eraseRow,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        { type: 'button', disabled: !signedIn, on: { click: () => host.showConsent(host.consents) } },
        t('menu.consents'),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        { type: 'button', disabled: !signedIn || closed, on: { click: () => void endChat() } },
        t('menu.end'),
      ),
    ),
    status,
  ];
}
