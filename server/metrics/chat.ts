// The chat's metrics, from the hub's events (every event of every conversation passes it): who
// wrote, handoffs, whether the AI answered from the knowledge base, and the visitor's wait for the
// first token. Only roles, notice codes and times are read; text never leaves the event.
import { Gauge } from 'prom-client';
import type { ChatEvent } from '../../protocol/widget.ts';
import type { ChatHub } from '../chat/hub.ts';
import type { Metrics } from './registry.ts';

/** conversations waiting for a first token, remembered at most (the oldest forgotten first) */
const MAX_WAITING = 10_000;

export function chatObserver(
  m: Metrics,
  now: () => number = () => performance.now(),
): (conversationId: string, event: ChatEvent) => void {
  const waiting = new Map<string, number>();
  return (conversationId, event) => {
    if (event.type === 'message') {
      const { role, notice, offer, sources } = event.message;
      m.chat.messages.inc({ role });
      if (role === 'visitor' && !waiting.has(conversationId)) {
        waiting.set(conversationId, now());
        if (waiting.size > MAX_WAITING) waiting.delete(waiting.keys().next().value as string);
      }
      // Every handoff that moves a conversation to the queue stores one of these two notices (chat/handoff.ts).
      if (notice === 'queued' || notice === 'outside_hours') {
        m.chat.handoffs.inc({ reason: notice === 'queued' ? 'office_open' : 'office_closed' });
        waiting.delete(conversationId);
      }
      if (role === 'assistant')
        m.knowledge.answers.inc({ result: offer === 'handoff' ? 'idk' : sources.length > 0 ? 'sourced' : 'unsourced' });
    } else if (event.type === 'delta') {
      const since = waiting.get(conversationId);
      if (since !== undefined) {
        m.chat.firstToken.observe((now() - since) / 1000);
        waiting.delete(conversationId);
      }
    } else if (event.type === 'reply_end' || (event.type === 'state' && event.conversation.mode !== 'ai')) {
      // answered without streaming, dropped, or a person's now: no first token to wait for
      waiting.delete(conversationId);
    }
  };
}

/** Taps the hub and counts its open connections at each scrape; returns the function that stops it. */
export function watchChat(m: Metrics, hub: Pick<ChatHub, 'tap' | 'connections'>): () => void {
  new Gauge({
    name: 'palisade_chat_connections',
    help: 'Open widget connections (WebSocket and SSE)',
    registers: [m.registry],
    collect() {
      this.set(hub.connections());
    },
  });
  return hub.tap(chatObserver(m));
}
