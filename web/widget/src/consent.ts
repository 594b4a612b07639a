// The consent screen: the server's text in the visitor's language, one checkbox per purpose,
// none ticked unless the visitor ticked it before ("Change my consents"). Two equal choices,
// "Accept all" and "Only a person", each explained in one line; "Save my choices" appears once a
// box is ticked and accepts exactly the ticked purposes.
import { ApiError } from './api.ts';
import { h } from './dom.ts';
import { type ConsentsView, type Decisions, PURPOSES } from './types.ts';
import type { Host } from './host.ts';

export function renderConsent(host: Host, preset: ConsentsView | null, notice = ''): HTMLElement {
  const c = host.config.consent;
  const boxes = c.purposes.map((p) =>
    h('input', {
      type: 'checkbox',
      name: 'purpose',
      value: p.id,
      id: `palisade-purpose-${p.id}`,
      checked: preset?.[p.id] === true,
    }),
  );
  const error = h('p', { class: 'error', role: 'alert' }, notice);
  const buttons: HTMLButtonElement[] = [];
  const decide = async (pick: (id: string, box?: HTMLInputElement) => boolean, handoff: boolean) => {
    const decisions = Object.fromEntries(
      PURPOSES.map((id) => [
        id,
        pick(
          id,
          boxes.find((b) => b.value === id),
        ),
      ]),
    ) as Decisions;
    decisions.ai_cloud &&= decisions.ai_local; // an external AI only ever answers alongside the local one
    error.textContent = '';
    buttons.forEach((b) => (b.disabled = true));
    try {
      await host.saveConsents(decisions, handoff);
    } catch (err) {
      // A changed text is shown again (never accepted unseen), saying why.
      if (err instanceof ApiError && err.id === 'consent_text_outdated')
        return host.showConsent(null, host.t('consent.outdated'));
      error.textContent = host.errorText(err);
      buttons.forEach((b) => (b.disabled = false));
    }
  };
  const means = (id: string, key: 'consent.acceptAllMeans' | 'consent.personMeans' | 'consent.saveMeans') =>
    h('li', { id: `palisade-means-${id}` }, host.t(key));
  const saveMeans = means('save', 'consent.saveMeans');
  const save = h(
    'button',
    { type: 'submit', class: 'secondary', 'aria-describedby': 'palisade-means-save' },
    host.t('consent.save'),
  );
  const saveRow = h('div', { class: 'save' }, save);
  const showSave = () => {
    const any = boxes.some((b) => b.checked);
    saveRow.hidden = !any;
    saveMeans.hidden = !any;
  };
  for (const b of boxes) b.addEventListener('change', showSave);
  buttons.push(
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        'aria-describedby': 'palisade-means-all',
        on: { click: () => void decide(() => true, false) },
      },
      host.t('consent.acceptAll'),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'primary',
        'aria-describedby': 'palisade-means-person',
        on: { click: () => void decide(() => false, true) },
      },
      host.t('consent.person'),
    ),
    save,
  );
  showSave();
  return h(
    'form',
    {
      class: 'consent pad',
      'aria-labelledby': 'palisade-consent-title',
      novalidate: true,
      on: {
        submit: (e) => {
          e.preventDefault();
          if (boxes.some((b) => b.checked)) void decide((_id, box) => box?.checked === true, false);
        },
      },
    },
    h('h3', { id: 'palisade-consent-title' }, c.title),
    h('p', {}, c.intro),
    h(
      'fieldset',
      {},
      h('legend', {}, host.t('consent.purposes')),
      c.purposes.map((p, i) =>
        h('div', { class: 'check' }, boxes[i]!, h('label', { for: `palisade-purpose-${p.id}` }, p.text)),
      ),
    ),
    h('div', { class: 'choices' }, buttons[0]!, buttons[1]!),
    saveRow,
    h(
      'ul',
      { class: 'means' },
      means('all', 'consent.acceptAllMeans'),
      means('person', 'consent.personMeans'),
      saveMeans,
    ),
    error,
  );
}
