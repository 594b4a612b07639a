// <palisade-chat>: the launcher, the panel (a non-modal dialog) and the screen inside it
// (consent → chat → rating). Holds the visitor's session; the screens get it through `Host`.
import { ApiError, requestJson } from './api.ts';
import { ChatScreen } from './chat.ts';
import { errorText, renderErased } from './errorText.ts';
import { renderConsent } from './consent.ts';
import { chatIcon, h } from './dom.ts';
import { type Language, languageOf, type StringKey, translate } from './i18n.ts';
import { renderMenu } from './menu.ts';
import { renderRating } from './rating.ts';
import { type Prefs, SiteStorage } from './storage.ts';
import { CSS } from './styles.ts';
import type { Host } from './host.ts';
import type { ConsentsView, ConversationState, ConversationView, Decisions, WidgetConfig } from './types.ts';

export type { Host };

export interface WidgetOptions {
  base: string;
  site: string;
  language: string | null;
  identity: { customerId: string; signature: string } | null;
}

type Screen = 'loading' | 'consent' | 'chat' | 'rating' | 'erased' | 'error';

export class PalisadeChat extends HTMLElement implements Host {
  options!: WidgetOptions;
  storage!: SiteStorage;
  config!: WidgetConfig;
  language: Language = 'en';
  conversation: ConversationView | null = null;
  consents: ConsentsView | null = null;
  private screen: Screen = 'loading';
  /** false: neither the visitor, the tag nor the page named a language, so the site default applies */
  private languageChosen = false;
  private booted = false;
  private chat: ChatScreen | null = null;
  private root!: HTMLDivElement;
  private launcher!: HTMLButtonElement;
  private panel!: HTMLElement;
  private heading!: HTMLHeadingElement;
  private menuButton!: HTMLButtonElement;
  private closeButton!: HTMLButtonElement;
  private menu!: HTMLDivElement;
  private body!: HTMLDivElement;
  private status!: HTMLDivElement;

  get base() {
    return this.options.base;
  }
  get token() {
    return this.storage.token;
  }

  connectedCallback(): void {
    if (this.root) return;
    this.storage = new SiteStorage(this.options.site);
    const prefs = this.storage.prefs;
    const chosen = prefs.language ?? languageOf(this.options.language) ?? languageOf(document.documentElement.lang);
    this.languageChosen = chosen !== null;
    this.language = chosen ?? 'en';
    const shadow = this.attachShadow({ mode: 'open' });
    adoptStyles(shadow);
    this.launcher = h(
      'button',
      {
        class: 'launcher',
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': 'palisade-panel',
        on: { click: () => this.toggle() },
      },
      chatIcon(),
    );
    this.heading = h('h2', { id: 'palisade-title' });
    this.menuButton = h(
      'button',
      {
        class: 'icon',
        type: 'button',
        'aria-expanded': 'false',
        'aria-controls': 'palisade-menu',
        on: { click: () => this.toggleMenu() },
      },
      '☰',
    );
    this.closeButton = h('button', { class: 'icon', type: 'button', on: { click: () => this.close() } }, '✕');
    this.menu = h('div', { class: 'menu', id: 'palisade-menu', hidden: true });
    this.body = h('div', { class: 'body' });
    this.status = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite' });
    this.panel = h(
      'section',
      {
        class: 'panel',
        id: 'palisade-panel',
        role: 'dialog',
        'aria-modal': 'false',
        'aria-labelledby': 'palisade-title',
        hidden: true,
        on: { keydown: (e) => this.onKey(e as KeyboardEvent) },
      },
      h('header', {}, this.heading, this.menuButton, this.closeButton),
      h('div', { class: 'panel-inner' }, this.menu, this.body),
      this.status,
    );
    this.root = h('div', { class: 'root' }, this.launcher, this.panel);
    shadow.append(this.root);
    this.applyPrefs();
    this.relabel();
  }

  t(key: StringKey, vars?: Record<string, string | number>): string {
    return translate(this.language, key, vars);
  }

  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return requestJson<T>(this.base, method, path, { body, token: this.token });
  }

  announce(text: string): void {
    // Clearing first makes a repeated text be read again.
    this.status.textContent = '';
    setTimeout(() => (this.status.textContent = text), 50);
  }

  errorText(err: unknown): string {
    return errorText(this.language, this.config, err);
  }

  private relabel(): void {
    this.launcher.setAttribute('aria-label', this.t('launcher.open'));
    // Before the site's name is known (or when the server refused this page), the launcher's words.
    this.heading.textContent = this.config?.site.name
      ? this.t('panel.title', { site: this.config.site.name })
      : this.t('launcher.open');
    this.menuButton.setAttribute('aria-label', this.t(this.menu.hidden ? 'menu.open' : 'menu.close'));
    this.closeButton.setAttribute('aria-label', this.t('panel.close'));
    this.root.lang = this.language;
  }

  private applyPrefs(): void {
    const prefs = this.storage.prefs;
    this.root.dataset.theme = prefs.theme ?? 'light';
    this.root.dataset.size = prefs.size ?? 'normal';
  }

  setPrefs(patch: Prefs): void {
    this.storage.savePrefs(patch);
    this.applyPrefs();
    if (patch.language && patch.language !== this.language) {
      this.language = patch.language;
      void this.reloadConfig().then(() => this.rerender());
    }
  }

  private toggle(): void {
    if (this.panel.hidden) void this.open();
    else this.close();
  }

  async open(): Promise<void> {
    this.panel.hidden = false;
    this.launcher.setAttribute('aria-expanded', 'true');
    if (!this.booted) {
      this.booted = true;
      this.setScreen('loading', h('p', { class: 'pad' }, this.t('loading')));
      await this.boot();
    }
    this.focusScreen();
  }

  close(): void {
    this.panel.hidden = true;
    this.launcher.setAttribute('aria-expanded', 'false');
    this.closeMenu(false);
    this.launcher.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    if (!this.menu.hidden) this.closeMenu(true);
    else this.close();
  }

  private toggleMenu(): void {
    if (this.menu.hidden) {
      this.menu.replaceChildren(...renderMenu(this, () => this.closeMenu(true)));
      this.menu.hidden = false;
      this.menuButton.setAttribute('aria-expanded', 'true');
      this.menuButton.setAttribute('aria-label', this.t('menu.close'));
      this.menu.querySelector<HTMLElement>('select, button')?.focus();
    } else this.closeMenu(true);
  }

  private closeMenu(focusButton: boolean): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.menu.replaceChildren();
    this.menuButton.setAttribute('aria-expanded', 'false');
    this.menuButton.setAttribute('aria-label', this.t('menu.open'));
    if (focusButton) this.menuButton.focus();
  }

  private async reloadConfig(): Promise<void> {
    const q = new URLSearchParams({ site: this.options.site, lang: this.language });
    this.config = await requestJson<WidgetConfig>(this.base, 'GET', `/api/widget/config?${q}`);
    const { languages, defaultLanguage } = this.config.site;
    if (!this.languageChosen || !languages.includes(this.language)) {
      const fallback = languageOf(defaultLanguage) ?? 'en';
      this.languageChosen = true;
      if (fallback !== this.language) {
        this.language = fallback;
        await this.reloadConfig(); // the consent text in the language the visitor will see
      }
    }
  }

  private async boot(): Promise<void> {
    try {
      await this.reloadConfig();
      this.relabel();
      let state: ConversationState | null = null;
      if (this.token) {
        try {
          state = await this.call<ConversationState>('GET', '/api/widget/conversation');
        } catch (err) {
          if (!(err instanceof ApiError && [401, 404, 410].includes(err.status))) throw err;
          this.forgetSession(); // expired, erased or from another site: start over
        }
      }
      if (state) {
        this.conversation = state.conversation;
        this.consents =
          state.consents ?? (await this.call<{ consents: ConsentsView }>('GET', '/api/widget/consents')).consents;
      }
      if (state && this.consents?.version) this.showChat(state);
      else this.showConsent(null);
    } catch (err) {
      this.booted = false; // opening again retries
      if (err instanceof ApiError && err.id === 'origin_not_allowed') {
        console.error(
          `Palisade widget: ${location.origin} may not embed the chat of site "${this.options.site}". Add it to the site's origins in policies/sites.yaml (or to WIDGET_ORIGINS) on the appliance.`,
        );
      }
      this.setScreen('error', h('p', { class: 'pad error', role: 'alert' }, this.errorText(err)));
    }
  }

  private setScreen(screen: Screen, ...content: Node[]): void {
    if (screen !== 'chat') {
      this.chat?.stop();
      this.chat = null;
    }
    this.screen = screen;
    this.body.replaceChildren(...content);
  }

  private focusScreen(): void {
    const target =
      this.body.querySelector<HTMLElement>('[data-autofocus]') ??
      this.body.querySelector<HTMLElement>('input, textarea, button, select');
    (target ?? this.closeButton).focus();
  }

  private rerender(): void {
    const focused = (this.shadowRoot?.activeElement as HTMLElement | null)?.id;
    this.relabel();
    if (!this.menu.hidden) this.menu.replaceChildren(...renderMenu(this, () => this.closeMenu(true)));
    if (this.screen === 'consent') this.showConsent(this.consents);
    else if (this.screen === 'chat') this.chat?.rebuild();
    else if (this.screen === 'rating') this.showRating();
    if (focused) this.shadowRoot?.getElementById(focused)?.focus();
  }

  showConsent(preset: ConsentsView | null, notice = ''): void {
    this.closeMenu(false);
    this.setScreen('consent', renderConsent(this, preset, notice));
    if (!this.panel.hidden) this.focusScreen();
  }

  showChat(state?: ConversationState): void {
    this.closeMenu(false);
    if (this.chat && !state) return this.chat.rebuild();
    this.setScreen('chat');
    this.chat = new ChatScreen(this, state ?? null);
    this.body.append(this.chat.el);
    this.chat.start();
    if (!this.panel.hidden) this.focusScreen();
  }

  showRating(): void {
    this.closeMenu(false);
    this.setScreen('rating', renderRating(this));
    if (!this.panel.hidden) this.focusScreen();
  }

  /** After an erasure: what was erased and the request's id, in view until the visitor starts again. */
  showErased(request: { id: string }): void {
    this.closeMenu(false);
    this.setScreen(
      'erased',
      renderErased(this.language, request.id, () => this.showConsent(null)),
    );
    this.announce(`${this.t('erased.title')}. ${this.t('erased.request', { id: request.id })}`);
    if (!this.panel.hidden) this.focusScreen();
  }

  async saveConsents(decisions: Decisions, handoff: boolean): Promise<void> {
    if (!this.token) {
      const identity = this.options.identity ?? undefined;
      const session = await requestJson<{ token: string; conversation: ConversationView }>(
        this.base,
        'POST',
        '/api/widget/sessions',
        {
          body: { site: this.options.site, language: this.language, identity },
        },
      );
      this.storage.token = session.token;
      this.conversation = session.conversation;
    }
    const c = this.config.consent;
    try {
      const saved = await this.call<{ consents: ConsentsView }>('PUT', '/api/widget/consents', {
        version: c.version,
        hash: c.hash,
        language: c.language,
        decisions,
      });
      this.consents = saved.consents;
    } catch (err) {
      if (err instanceof ApiError && err.id === 'consent_text_outdated') await this.reloadConfig();
      throw err;
    }
    if (handoff)
      this.conversation = (
        await this.call<{ conversation: ConversationView }>('POST', '/api/widget/handoff', {})
      ).conversation;
    if (this.chat) this.chat.rebuild();
    else this.showChat();
  }

  async newConversation(): Promise<void> {
    const next = await this.call<{ token: string; conversation: ConversationView }>(
      'POST',
      '/api/widget/conversations',
      {},
    );
    this.storage.token = next.token;
    this.conversation = next.conversation;
    this.chat?.stop();
    this.chat = null;
    this.showChat({ conversation: next.conversation, messages: [], lastSeq: 0 });
  }

  forgetSession(): void {
    this.storage.token = null;
    this.storage.outbox = [];
    this.conversation = null;
    this.consents = null;
  }
}

function adoptStyles(shadow: ShadowRoot): void {
  // A constructed sheet is not inline <style>, so a strict page CSP (style-src 'self') allows it.
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    shadow.append(h('style', {}, CSS));
  }
}
