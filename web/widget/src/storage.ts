// What the widget keeps in the page's localStorage, per site: the visitor token (the protocol's
// `palisade:<site>` key), messages not yet acknowledged, and display preferences.
import type { Language } from './i18n.ts';

export interface Prefs {
  language?: Language;
  size?: 'normal' | 'large';
  theme?: 'light' | 'dark';
}

export interface PendingMessage {
  clientId: string;
  text: string;
  attachmentIds: string[];
  /** the conversation it was written in: a message never moves to a later conversation */
  conversationId: string;
}

function read<T>(key: string, fallback: T): T {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : fallback;
  } catch {
    return fallback; // storage blocked (privacy mode) or garbage: start clean
  }
}

function write(key: string, value: unknown): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, typeof value === 'string' ? value : JSON.stringify(value));
  } catch {
    // storage full or blocked: the widget still works for this page view
  }
}

export class SiteStorage {
  constructor(private readonly site: string) {}

  get token(): string | null {
    try {
      return localStorage.getItem(`palisade:${this.site}`);
    } catch {
      return null;
    }
  }
  set token(value: string | null) {
    write(`palisade:${this.site}`, value);
  }

  get prefs(): Prefs {
    return read<Prefs>(`palisade:${this.site}:prefs`, {});
  }
  savePrefs(patch: Prefs): void {
    write(`palisade:${this.site}:prefs`, { ...this.prefs, ...patch });
  }

  get outbox(): PendingMessage[] {
    return read<PendingMessage[]>(`palisade:${this.site}:outbox`, []);
  }
  set outbox(items: PendingMessage[]) {
    write(`palisade:${this.site}:outbox`, items.length ? items : null);
  }
}
