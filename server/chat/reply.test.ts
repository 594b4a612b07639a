import { describe, expect, it } from 'vitest';
import type { MessageRow } from './present.ts';
import { awaitsAnswer } from './reply.ts';

const m = (seq: number, role: MessageRow['role'], meta: MessageRow['meta'] = {}): MessageRow => ({
  id: `m${seq}`, seq, role, text: 'x', createdAt: new Date(0), clientId: null, meta, attachments: [],
});

describe('awaitsAnswer', () => {
  it.each([
    ['no messages', [], false],
    ['a visitor message alone', [m(1, 'visitor')], true],
    ['answered', [m(1, 'visitor'), m(2, 'assistant', { answers: 1 })], false],
    // the visitor wrote while the answer to seq 1 streamed: the answer was stored after it
    ['sent while an answer streamed', [m(1, 'visitor'), m(2, 'visitor'), m(3, 'assistant', { answers: 1 })], true],
    ['both in the prompt', [m(1, 'visitor'), m(2, 'visitor'), m(3, 'assistant', { answers: 2 })], false],
    ['an agent reply covers what came before', [m(1, 'visitor'), m(2, 'visitor'), m(3, 'agent')], false],
    ['a notice answers nothing', [m(1, 'visitor'), m(2, 'system', { notice: 'released' })], true],
    ['an answer stored before meta.answers existed covers what precedes it', [m(1, 'visitor'), m(2, 'assistant')], false],
  ] as const)('%s', (_name, messages, expected) => {
    expect(awaitsAnswer([...messages])).toBe(expected);
  });
});
