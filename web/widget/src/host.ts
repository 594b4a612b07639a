// What a screen may use of the widget (<palisade-chat>, widget.ts, implements it): the screens
// import this, never widget.ts, so no screen and the widget import each other.
import type { Language, StringKey } from './i18n.ts';
import type { Prefs, SiteStorage } from './storage.ts';
import type { ConsentsView, ConversationState, ConversationView, Decisions, WidgetConfig } from './types.ts';

/** What a screen may use of the widget. */
export interface Host {
  readonly base: string;
  readonly storage: SiteStorage;
  readonly config: WidgetConfig;
  readonly language: Language;
  readonly token: string | null;
  conversation: ConversationView | null;
  consents: ConsentsView | null;
  t(key: StringKey, vars?: Record<string, string | number>): string;
  call<T>(method: string, path: string, body?: unknown): Promise<T>;
  announce(text: string): void;
  errorText(err: unknown): string;
  showConsent(preset: ConsentsView | null, notice?: string): void;
  showChat(state?: ConversationState): void;
  showRating(): void;
  showErased(request: { id: string }): void;
  newConversation(): Promise<void>;
  saveConsents(decisions: Decisions, handoff: boolean): Promise<void>;
  setPrefs(patch: Prefs): void;
  forgetSession(): void;
}
