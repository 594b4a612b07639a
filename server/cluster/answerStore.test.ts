// The answer cache in a real Redis (127.0.0.1:6379), under a key prefix of this test's own.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisAnswerStore } from './answerStore.ts';

const keyPrefix = `palisade-test-${randomBytes(4).toString('hex')}:`;
const client = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
afterAll(async () => {
  const keys = await client.keys(`${keyPrefix}*`);
  if (keys.length) await client.del(...keys);
  client.disconnect();
});

describe('the answer cache in Redis', () => {
  it('serves an answer stored by another node, under the prefix, until its time to live', async () => {
    await client.connect();
    const nodeA = redisAnswerStore({ client, keyPrefix });
    const other = client.duplicate();
    const nodeB = redisAnswerStore({ client: other, keyPrefix });
    const answer = { text: 'Our branches open at nine.', targetId: 'local', provider: 'llamacpp' as const, model: 'm' };
    nodeA.set('k1', answer, 60_000);
    expect(await nodeB.get('k1')).toEqual(answer);
    expect(await nodeB.get('k2')).toBeUndefined();
    const ttl = await client.pttl(`${keyPrefix}answer:k1`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    other.disconnect();
  });

  it('takes a malformed entry for a miss', async () => {
    await client.set(`${keyPrefix}answer:bad`, JSON.stringify({ text: 1 }));
    expect(await redisAnswerStore({ client, keyPrefix }).get('bad')).toBeUndefined();
  });
});
