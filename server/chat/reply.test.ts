import { describe, expect, it } from 'vitest';
import type { MessageRow } from './present.ts';
import { awaitsAnswer, continues } from './reply.ts';

const m = (seq: number, role: MessageRow['role'], meta: MessageRow['meta'] = {}): MessageRow => ({
  id: `m${seq}`,
  seq,
  role,
  text: 'x',
  createdAt: new Date(0),
  clientId: null,
  meta,
  attachments: [],
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
    [
      'an answer stored before meta.answers existed covers what precedes it',
      [m(1, 'visitor'), m(2, 'assistant')],
      false,
    ],
  ] as const)('%s', (_name, messages, expected) => {
    expect(awaitsAnswer([...messages])).toBe(expected);
  });
});

describe("continues: the next run may reuse a send's snapshot", () => {
  const conversation = (lastSeq: number) => ({
    id: 'c',
    subjectId: 'sub_x',
    site: 's',
    status: 'open' as const,
    mode: 'ai' as const,
    language: null,
    rating: null,
    queue: null,
    lastSeq,
    notHelpful: 0,
  });
  const snap = (messages: MessageRow[]) => ({
    conversation: conversation(Math.max(0, ...messages.map((x) => x.seq))),
    messages,
    cloud: false,
    key: new Uint8Array(32),
    hasVault: false,
  });

  it('adds an answer stored right after the snapshot', () => {
    const next = continues(snap([m(1, 'visitor'), m(2, 'visitor')]), m(3, 'assistant', { answers: 1 }));
    expect(next?.messages.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(next?.conversation.lastSeq).toBe(3);
    expect(next?.carried).toBe(true); // checked against the row before the next run uses it
    expect(next?.hasVault).toBe(true); // the run may have made a vault: the next one loads it
    expect(awaitsAnswer(next!.messages)).toBe(true);
  });

  it('keeps a snapshot that already holds the answer', () => {
    const s = snap([m(1, 'visitor'), m(2, 'assistant', { answers: 1 }), m(3, 'visitor')]);
    expect(continues(s, m(2, 'assistant', { answers: 1 }))).toEqual({ ...s, carried: true, hasVault: true });
  });

  it('gives up when a message is missing between (the transcript is read again)', () => {
    expect(continues(snap([m(1, 'visitor'), m(2, 'visitor')]), m(4, 'assistant', { answers: 1 }))).toBeUndefined();
  });
});
