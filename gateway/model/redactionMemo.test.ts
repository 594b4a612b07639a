import { describe, expect, it } from 'vitest';
import { createRedactionMemo } from './redactionMemo.ts';

describe('redaction memo', () => {
  const turn = { text: 'I am <PERSON_1>.', counts: { PERSON: 1 } };
  const m = { role: 'user' as const, content: 'I am Alice Smith.' };

  it('keys by conversation, language and a hash of the message, never the text itself', () => {
    const memo = createRedactionMemo();
    const key = memo.key('c1', 'en', m);
    expect(key).not.toContain('Alice');
    expect(memo.key('c2', 'en', m)).not.toBe(key);
    expect(memo.key('c1', 'de', m)).not.toBe(key);
    expect(memo.key('c1', 'en', { ...m, role: 'assistant' })).not.toBe(key);
  });

  it('forgets an entry ttlMs after its last use, and the oldest beyond maxEntries', () => {
    let clock = 0;
    const memo = createRedactionMemo({ ttlMs: 100, maxEntries: 2, now: () => clock });
    memo.set('a', turn);
    clock = 90;
    expect(memo.get('a')).toEqual(turn); // a use renews it
    clock = 180;
    expect(memo.get('a')).toEqual(turn);
    clock = 281;
    expect(memo.get('a')).toBeUndefined();
    memo.set('x', turn);
    memo.set('y', turn);
    memo.set('z', turn);
    expect(memo.get('x')).toBeUndefined();
    expect(memo.get('z')).toEqual(turn);
  });
});
