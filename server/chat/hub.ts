// In-process fan-out of a conversation's events to its open WebSocket/SSE connections, and the
// answer still streaming (so a reconnecting widget gets the text so far, then the rest).
// One process: with several app nodes this becomes Redis pub/sub or PostgreSQL LISTEN/NOTIFY
// (docs/configuration.md, "Several nodes"); the interface stays.
import type { ChatEvent } from '../../protocol/widget.ts';

export type Listener = (event: ChatEvent) => void;
/** sees every conversation's events (metrics): must not throw, and reads no text out */
export type Tap = (conversationId: string, event: ChatEvent) => void;

export interface InFlightReply {
  id: string;
  text: string;
}

export interface ChatHub {
  /** delivers to every listener of the conversation, in order; a throwing listener is dropped */
  publish(conversationId: string, event: ChatEvent): void;
  /** returns the unsubscribe function */
  subscribe(conversationId: string, listener: Listener): () => void;
  listeners(conversationId: string): number;
  /** the answer being streamed now, if any (kept from reply_start until reply_end) */
  inFlight(conversationId: string): InFlightReply | undefined;
  /** open connections over all conversations */
  connections(): number;
  /** returns the function that removes it */
  tap(tap: Tap): () => void;
}

export function createChatHub(): ChatHub {
  const subs = new Map<string, Set<Listener>>();
  const replies = new Map<string, InFlightReply>();
  const taps = new Set<Tap>();
  let total = 0;
  return {
    publish(conversationId, event) {
      if (event.type === 'reply_start') replies.set(conversationId, { id: event.replyId, text: '' });
      if (event.type === 'delta') {
        const r = replies.get(conversationId);
        if (r?.id === event.replyId) r.text += event.text;
      }
      if (event.type === 'reply_end') replies.delete(conversationId);
      for (const t of taps) {
        try {
          t(conversationId, event);
        } catch {
          // an observer's failure never holds up the conversation
        }
      }
      const set = subs.get(conversationId);
      if (!set) return;
      for (const l of [...set]) {
        try {
          l(event);
        } catch {
          set.delete(l);
          total--;
        }
      }
    },
    subscribe(conversationId, listener) {
      let set = subs.get(conversationId);
      if (!set) subs.set(conversationId, (set = new Set()));
      set.add(listener);
      total++;
      return () => {
        const s = subs.get(conversationId);
        if (s?.delete(listener)) total--;
        if (s && s.size === 0) subs.delete(conversationId);
      };
    },
    listeners: (conversationId) => subs.get(conversationId)?.size ?? 0,
    inFlight: (conversationId) => replies.get(conversationId),
    connections: () => total,
    tap(t) {
      taps.add(t);
      return () => void taps.delete(t);
    },
  };
}
