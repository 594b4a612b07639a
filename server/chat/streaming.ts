// The text so far of an answer streaming on another node, for a visitor who reconnects there. With
// REDIS_URL the generating node puts each piece in Redis sealed under the subject's data key, bound
// to the reply id (an erasure shreds them with the key); a node the visitor joins opens them inside
// the visitor's resume transaction, with the read on the audit log. The rest of the answer follows
// once committed, as a message. Without Redis the answer reaches such a visitor once committed.
import { appendAudit } from '../audit/append.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { aad } from '../privacy/conversations.ts';
import { openText, sealText } from '../privacy/envelope.ts';
import { subjectKey } from '../privacy/subjectKeys.ts';
import type { ChatEnv } from './env.ts';
import type { InFlightReply } from './hub.ts';
import type { ConversationRow } from './present.ts';

export interface SharedReply {
  piece(text: string): void;
  end(): void;
}

const unshared: SharedReply = { piece: () => undefined, end: () => undefined };

/** Shares the answer's pieces from its start (nothing without Redis). */
export function shareReply(
  env: Pick<ChatEnv, 'deps'>,
  conversationId: string,
  replyId: string,
  key: Uint8Array,
): SharedReply {
  const store = env.deps.cluster.streaming;
  if (!store) return unshared;
  store.start(conversationId, replyId);
  return {
    piece: (text) => store.piece(conversationId, replyId, sealText(key, text, aad.reply(replyId))),
    end: () => store.end(conversationId, replyId),
  };
}

/** The answer streaming now: on this node, else on another (`elsewhere`), unless among the `committed` messages. */
export function streamingNow(
  hub: ChatEnv['hub'],
  conversationId: string,
  elsewhere: InFlightReply | undefined,
  committed: { id: string }[],
): InFlightReply | undefined {
  return (
    hub.inFlight(conversationId) ?? (elsewhere && !committed.some((m) => m.id === elsewhere.id) ? elsewhere : undefined)
  );
}

/** The answer streaming on another node, opened (undefined: none, no Redis, or pieces that do not open). */
export async function sharedReply(
  env: Pick<ChatEnv, 'deps' | 'hub'>,
  ctx: PrivacyCtx,
  conversation: Pick<ConversationRow, 'id' | 'subjectId'>,
): Promise<InFlightReply | undefined> {
  const store = env.deps.cluster.streaming;
  if (!store || env.hub.inFlight(conversation.id)) return undefined;
  const found = await store.current(conversation.id);
  if (!found?.pieces.length) return undefined;
  const key = await subjectKey(ctx, conversation.subjectId);
  let text: string;
  try {
    text = found.pieces.map((p) => openText(key, p, aad.reply(found.replyId))).join('');
  } catch {
    return undefined; // not this conversation's, or damaged: the visitor gets the answer once committed
  }
  await appendAudit(ctx.tx, {
    actor: ctx.actor,
    action: 'transcript.read',
    subjectId: conversation.subjectId,
    resource: { type: 'Conversation', id: conversation.id },
    purpose: 'visitor_view',
    requestId: ctx.requestId,
    details: { streaming: true, pieces: found.pieces.length },
  });
  return { id: found.replyId, text };
}
