// Typing indicators between a visitor and the agent holding the conversation. A signal carries the
// conversation's id and who is typing, never text, and is not stored: it is published and forgotten.
// Each side's signals are throttled per conversation on the server too, so a client that sends one
// per keystroke costs one event per TYPING_THROTTLE_MS.
import type { ChatService, Visitor } from './service.ts';
import type { Infra } from '../infra.ts';
import { publishStaffEvent } from '../staff/live.ts';
import { assertHolds, loadForAgent } from './agent.ts';
import { conversationStatus } from './store/conversations.ts';

export const TYPING_THROTTLE_MS = 2000;
/** Past this many conversations the oldest marks are dropped: memory stays bounded under a flood of visitors. */
const MAX_TRACKED = 10_000;

/** True when `key` may signal now; a pure decision over the marks it keeps. */
export function typingThrottle(ms = TYPING_THROTTLE_MS, now: () => number = Date.now): (key: string) => boolean {
  const last = new Map<string, number>();
  return (key) => {
    const t = now();
    const before = last.get(key);
    if (before !== undefined && t - before < ms) return false;
    last.delete(key);
    last.set(key, t);
    if (last.size > MAX_TRACKED) last.delete(last.keys().next().value!);
    return true;
  };
}

/** The visitor is typing: told to the agents' consoles while the conversation waits for or is with a person. */
export function visitorTypingSignal(deps: Infra) {
  const allowed = typingThrottle();
  return async (visitor: Visitor): Promise<void> => {
    const status = await conversationStatus(deps.db.dataSource, visitor.conversationId);
    // A conversation the AI answers is never named to agents (see agent-live.test.ts).
    if (status === 'handoff' && allowed(`v:${visitor.conversationId}`))
      publishStaffEvent(deps, { type: 'conversation.typing', id: visitor.conversationId });
  };
}

/** The agent holding the conversation is typing: told to the visitor's widget (its `typing` event). */
export function agentTypingSignal(chat: ChatService) {
  const allowed = typingThrottle();
  return async (conversationId: string, agentId: string): Promise<void> => {
    const c = await loadForAgent({ tx: chat.deps.db.dataSource.manager }, conversationId);
    assertHolds(c, agentId);
    if (allowed(`a:${conversationId}`)) chat.hub.publish(conversationId, { type: 'typing', by: 'agent' });
  };
}
