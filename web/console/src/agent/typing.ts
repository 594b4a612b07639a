// Typing indicators: the visitor's, heard on the staff channel's `typing` topic and shown for a few
// seconds (or until their message arrives); the agent's, sent at most once per TYPING_SIGNAL_MS
// while the reply box is being written in. Neither carries text.
import { useEffect, useRef, useState } from 'preact/hooks';
import { z } from 'zod';
import { call } from '../api.ts';
import { subscribe } from '../live.ts';

/** how long one signal keeps the indicator on: longer than the widget's pause between signals */
const SHOWN_MS = 6000;
const TYPING_SIGNAL_MS = 3000;

/** True while the visitor of `conversationId` is typing; a new message (`messageCount`) turns it off. */
export function useVisitorTyping(conversationId: string, messageCount: number): boolean {
  const [typing, setTyping] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(
    () =>
      subscribe('typing', (id) => {
        if (id !== conversationId) return;
        clearTimeout(timer.current);
        setTyping(true);
        timer.current = setTimeout(() => setTyping(false), SHOWN_MS);
      }),
    [conversationId],
  );
  useEffect(() => (clearTimeout(timer.current), setTyping(false)), [messageCount]);
  useEffect(() => () => clearTimeout(timer.current), []);
  return typing;
}

/** Returns the function the reply box calls on input; it posts the agent's typing signal, throttled. */
export function useAgentTypingSignal(conversationId: string): () => void {
  const sentAt = useRef(0);
  return () => {
    if (Date.now() - sentAt.current < TYPING_SIGNAL_MS) return;
    sentAt.current = Date.now();
    call(z.undefined(), 'POST', `/api/agent/conversations/${conversationId}/typing`).catch(() => {
      /* a lost signal only means the visitor's widget does not show it */
    });
  };
}
