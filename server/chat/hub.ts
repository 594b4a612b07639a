// Fan-out of a conversation's events to its open WebSocket/SSE connections, on this node and the
// others, and the answer still streaming (so a reconnecting widget gets the text so far, then the rest).
// Local listeners get every event as published, synchronously. Other nodes get, over the cluster bus
// (server/cluster), ids only: "message seq N is committed" (their connections read the rows after
// their cursor: realtime.ts), "the state changed" (the receiving node reads the conversation),
// typing, the erasure notice and the id of an answer dropped midway. An answer's pieces stay on the
// node that generates it (with Redis, its text so far is kept for visitors joining elsewhere: streaming.ts).
import { z } from 'zod';
import type { Bus } from '../cluster/index.ts';
import { topic } from '../cluster/index.ts';
import type { ChatEvent } from '../../protocol/widget.ts';

export type Listener = (event: ChatEvent) => void;
/** sees every conversation's events (metrics): must not throw, and reads no text out */
export type Tap = (conversationId: string, event: ChatEvent) => void;
/** another node committed messages up to `seq`: the listener reads what it lacks */
export type CommittedListener = (seq: number) => void;

export interface InFlightReply {
  id: string;
  text: string;
}

export interface ChatHub {
  /** delivers to every listener of the conversation, in order (a throwing listener is dropped), and tells the other nodes */
  publish(conversationId: string, event: ChatEvent): void;
  /** returns the unsubscribe function; `committed` hears of messages other nodes committed (no listener: not told) */
  subscribe(conversationId: string, listener: Listener, committed?: CommittedListener): () => void;
  listeners(conversationId: string): number;
  /** the answer being streamed now on this node, if any (kept from reply_start until reply_end) */
  inFlight(conversationId: string): InFlightReply | undefined;
  /** open connections over all conversations */
  connections(): number;
  /** returns the function that removes it */
  tap(tap: Tap): () => void;
  close(): void;
}

/** What crosses to other nodes: ids and codes, never text. */
const ChatRelay = z.object({
  c: z.uuid(),
  k: z.enum(['message', 'state', 'typing', 'erased', 'dropped']),
  seq: z.number().int().positive().optional(),
  /** the reply id of a dropped answer (its text so far may have reached visitors on other nodes: chat/streaming.ts) */
  r: z.uuid().optional(),
  by: z.enum(['assistant', 'agent']).optional(),
});
type Relayed = z.infer<typeof ChatRelay>;
export const chatTopic = topic('chat', ChatRelay);

const ERASED: ChatEvent = {
  type: 'error',
  error: { id: 'subject_erased', message: 'Everything about you has been erased.' },
};

function relayOf(conversationId: string, event: ChatEvent): Relayed | null {
  switch (event.type) {
    case 'message':
      return { c: conversationId, k: 'message', seq: event.message.seq };
    case 'state':
      return { c: conversationId, k: 'state' };
    case 'typing':
      return { c: conversationId, k: 'typing', by: event.by };
    case 'error':
      return event.error.id === 'subject_erased' ? { c: conversationId, k: 'erased' } : null;
    case 'reply_end':
      return event.dropped ? { c: conversationId, k: 'dropped', r: event.replyId } : null;
    default:
      return null; // reply_start, delta: the visitor's connection is on this node
  }
}

export interface HubOptions {
  bus?: Bus;
  /** the conversation's `state` event as this node reads it (a `state` from another node) */
  readState?: (conversationId: string) => Promise<ChatEvent | null>;
  onError?: (event: string, fields: Record<string, unknown>) => void;
}

export function createChatHub(opts: HubOptions = {}): ChatHub {
  const subs = new Map<string, Set<{ listener: Listener; committed?: CommittedListener }>>();
  const replies = new Map<string, InFlightReply>();
  const taps = new Set<Tap>();
  let total = 0;
  const deliver = (conversationId: string, event: ChatEvent | { type: 'committed'; seq: number }) => {
    const set = subs.get(conversationId);
    if (!set) return;
    for (const l of [...set]) {
      try {
        if (event.type !== 'committed') l.listener(event);
        else l.committed?.(event.seq);
      } catch {
        set.delete(l);
        total--;
      }
    }
  };
  const bus = opts.bus?.kind === 'process' ? undefined : opts.bus;
  const onRemote = (r: Relayed) => {
    if (!subs.has(r.c)) return;
    if (r.k === 'message' && r.seq) deliver(r.c, { type: 'committed', seq: r.seq });
    else if (r.k === 'typing' && r.by) deliver(r.c, { type: 'typing', by: r.by });
    else if (r.k === 'erased') deliver(r.c, ERASED);
    else if (r.k === 'dropped' && r.r) deliver(r.c, { type: 'reply_end', replyId: r.r, dropped: true });
    else if (r.k === 'state' && opts.readState) {
      opts.readState(r.c).then(
        (e) => e && deliver(r.c, e),
        (error: unknown) =>
          opts.onError?.('chat.relay_failed', {
            kind: 'state',
            error: error instanceof Error ? error.name : 'unknown',
          }),
      );
    }
  };
  const stopBus = bus?.subscribe(chatTopic, (r, meta) => {
    if (!meta.local) onRemote(r);
  });
  // After the carrier was away, every connection reads what it may have missed.
  const stopResync = bus?.onResync(() => {
    for (const id of subs.keys()) deliver(id, { type: 'committed', seq: Number.MAX_SAFE_INTEGER });
  });
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
      deliver(conversationId, event);
      const relay = bus && relayOf(conversationId, event);
      if (relay) bus.publish(chatTopic, relay);
    },
    subscribe(conversationId, listener, committed) {
      let set = subs.get(conversationId);
      if (!set) subs.set(conversationId, (set = new Set()));
      const entry = { listener, committed };
      set.add(entry);
      total++;
      return () => {
        const s = subs.get(conversationId);
        if (s?.delete(entry)) total--;
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
    close() {
      stopBus?.();
      stopResync?.();
    },
  };
}
