// The answer still streaming, in Redis (REDIS_URL): its reply id under the conversation, its pieces
// in a list under the reply id, both expiring STREAMING_TTL_MS after the last piece. Pieces come
// sealed (chat/streaming.ts): Redis holds bytes it cannot read. A Redis failure is a miss, never an error.
import type { Redis } from 'ioredis';

/** An answer whose node stopped writing (killed) is gone from Redis after this long. */
export const STREAMING_TTL_MS = 60_000;

export interface StreamingAnswers {
  start(conversationId: string, replyId: string): void;
  piece(conversationId: string, replyId: string, sealed: Buffer): void;
  end(conversationId: string, replyId: string): void;
  /** the reply streaming now in the conversation and its pieces so far, in order */
  current(conversationId: string): Promise<{ replyId: string; pieces: Buffer[] } | undefined>;
}

// Deletes the conversation's pointer only while it still names this reply (a newer one may have started).
const END_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return redis.call('DEL', KEYS[2])`;

export function redisStreamingAnswers(redis: { client: Redis; keyPrefix: string }): StreamingAnswers {
  const { client, keyPrefix } = redis;
  const pointer = (conversationId: string) => `${keyPrefix}streaming:${conversationId}`;
  const pieces = (replyId: string) => `${keyPrefix}streaming-pieces:${replyId}`;
  const quietly = (p: Promise<unknown>) => void p.catch(() => undefined);
  return {
    start(conversationId, replyId) {
      quietly(client.multi().set(pointer(conversationId), replyId, 'PX', STREAMING_TTL_MS).del(pieces(replyId)).exec());
    },
    piece(conversationId, replyId, sealed) {
      // One connection keeps the order of the pieces; each piece renews both keys' lifetime.
      quietly(
        client
          .multi()
          .rpush(pieces(replyId), sealed.toString('base64'))
          .pexpire(pieces(replyId), STREAMING_TTL_MS)
          .pexpire(pointer(conversationId), STREAMING_TTL_MS)
          .exec(),
      );
    },
    end(conversationId, replyId) {
      quietly(client.eval(END_SCRIPT, 2, pointer(conversationId), pieces(replyId), replyId));
    },
    async current(conversationId) {
      try {
        const replyId = await client.get(pointer(conversationId));
        if (!replyId) return undefined;
        const list = await client.lrange(pieces(replyId), 0, -1);
        return { replyId, pieces: list.map((p) => Buffer.from(p, 'base64')) };
      } catch {
        return undefined;
      }
    },
  };
}
