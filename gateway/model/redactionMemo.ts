// Earlier turns of a conversation are redacted once, not on every turn: a conversation's vault only
// grows, so a message redacted under it redacts the same way later (same placeholders). The memo is
// keyed by the conversation, the language hint and a SHA-256 of the message (never the text itself)
// and holds only redacted text and counts. The gateway fills it only once the vault that numbered
// those placeholders is saved, so a memoised text never names a placeholder the vault lacks.
import { createHash } from 'node:crypto';
import type { EntityType } from '../redaction/types.ts';
import type { ChatMessage } from './types.ts';

export interface RedactedTurn {
  text: string;
  counts: Partial<Record<EntityType, number>>;
}

export interface RedactionMemo {
  key(conversationId: string, lang: string | undefined, message: ChatMessage): string;
  get(key: string): RedactedTurn | undefined;
  set(key: string, turn: RedactedTurn): void;
}

export function createRedactionMemo(maxEntries = 50_000): RedactionMemo {
  const entries = new Map<string, RedactedTurn>();
  return {
    key: (conversationId, lang, m) => `${conversationId}\u0000${lang ?? ''}\u0000${createHash('sha256').update(`${m.role}\u0000${m.content}`).digest('base64')}`,
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        entries.delete(key); // most recently used goes last
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, turn) {
      entries.delete(key);
      entries.set(key, turn);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
