// Earlier turns of a conversation are redacted once, not on every turn: a conversation's vault only
// grows, so a message redacted under it redacts the same way later (same placeholders). The memo is
// keyed by the conversation, the language hint and a SHA-256 of the message (never the text itself)
// and holds only redacted text and counts. The gateway fills it only once the vault that numbered
// those placeholders is saved, so a memoised text never names a placeholder the vault lacks.
// Redacted text can still hold what no recognizer found, so an entry lives at most `ttlMs` after
// its last use: an erased conversation's turns leave memory with it, soon after.
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

export function createRedactionMemo(
  opts: { maxEntries?: number; ttlMs?: number; now?: () => number } = {},
): RedactionMemo {
  const maxEntries = opts.maxEntries ?? 50_000;
  const ttlMs = opts.ttlMs ?? 15 * 60_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { turn: RedactedTurn; expires: number }>();
  const put = (key: string, turn: RedactedTurn) => {
    entries.delete(key); // most recently used goes last
    entries.set(key, { turn, expires: now() + ttlMs });
  };
  return {
    key: (conversationId, lang, m) =>
      `${conversationId}\u0000${lang ?? ''}\u0000${createHash('sha256').update(`${m.role}\u0000${m.content}`).digest('base64')}`,
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.expires <= now()) {
        entries.delete(key);
        return undefined;
      }
      put(key, hit.turn);
      return hit.turn;
    },
    set(key, turn) {
      put(key, turn);
      // the oldest first: expired ones, then beyond the bound
      for (const [k, e] of entries) {
        if (entries.size <= maxEntries && e.expires > now()) break;
        entries.delete(k);
      }
    },
  };
}
