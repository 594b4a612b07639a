// The embed: <script src="https://palisade.bank.internal/widget.js" data-site="retail" async>.
// Finds its own tag, takes the API origin from its src, and mounts <palisade-chat> on the page.
import { PalisadeChat, type WidgetOptions } from './widget.ts';

function ownScript(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement) return current;
  // async scripts have no currentScript in some browsers: find the tag by its src
  const all = document.querySelectorAll<HTMLScriptElement>('script[src]');
  return [...all].reverse().find((s) => /\/widget\.js(?:[?#].*)?$/.test(s.src)) ?? null;
}

function optionsFrom(script: HTMLScriptElement): WidgetOptions | null {
  const d = script.dataset;
  if (!d.site) {
    console.error('Palisade widget: the script tag needs data-site="…"');
    return null;
  }
  const customerId = d.customerId;
  const signature = d.customerSignature;
  return {
    base: new URL(script.src, location.href).origin,
    site: d.site,
    language: d.lang ?? null,
    identity: customerId && signature ? { customerId, signature } : null,
  };
}

function mount(): void {
  const script = ownScript();
  const options = script && optionsFrom(script);
  if (!options) return;
  if (!customElements.get('palisade-chat')) customElements.define('palisade-chat', PalisadeChat);
  if (document.querySelector('palisade-chat')) return; // the tag twice on one page: one widget
  const el = document.createElement('palisade-chat') as PalisadeChat;
  el.options = options;
  const attach = () => document.body.append(el);
  if (document.body) attach();
  else document.addEventListener('DOMContentLoaded', attach, { once: true });
}

mount();
