// The reply jobs of a node that died. A job is on the record from its model call's start (a
// `model.request` started event with the node's id, models/callRecords.ts); a node that finds another
// departed (cluster/presence.ts: its lock is free) records that node's unended calls as interrupted
// and answers their conversations itself, generating the answer again from the stored transcript:
// the half streamed by the dead node is never stored, and the visitor's message stays committed.
// Exactly once across nodes: the departed node's lock is held for the whole takeover, and a call
// once recorded interrupted is never found again.
import type { Infra } from '../infra.ts';
import type { Presence } from '../cluster/presence.ts';
import { recordInterruptedCalls } from '../models/callRecords.ts';
import type { Replies } from './reply.ts';

/** How often a node looks for departed ones: a visitor waits at most about this long for the answer to start again. */
export const TAKEOVER_SWEEP_MS = 2_000;

/** Answers the conversations whose calls `node` left unended (this node's own at its start, a departed node's later). */
export async function answerInterrupted(
  infra: Pick<Infra, 'db' | 'logger'>,
  replies: Pick<Replies, 'schedule'>,
  node: string,
  self: boolean,
): Promise<void> {
  const interrupted = await recordInterruptedCalls(infra.db.dataSource, node);
  if (interrupted.calls)
    infra.logger.warn(self ? 'models.calls_interrupted' : 'chat.replies_taken_over', {
      node,
      calls: interrupted.calls,
      conversations: interrupted.conversations.length,
    });
  for (const c of interrupted.conversations) replies.schedule(c.conversationId, c.requestId ?? undefined);
}

export function startTakeover(
  infra: Pick<Infra, 'db' | 'logger'>,
  presence: Presence,
  replies: Pick<Replies, 'schedule'>,
  everyMs = TAKEOVER_SWEEP_MS,
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = presence
      .sweep((node) => answerInterrupted(infra, replies, node, false))
      .catch((error: unknown) => {
        infra.logger.error('chat.takeover_failed', { error: error instanceof Error ? error.name : 'unknown' });
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
