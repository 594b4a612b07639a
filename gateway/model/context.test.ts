// Fitting a conversation into a window: what always goes, what is cut and in which order, the
// answer's room, the summary of left-out turns, and the token estimate the fit counts with.
import { describe, expect, it } from 'vitest';
import { fitToContext, MESSAGE_OVERHEAD_TOKENS, SUMMARY_SNIPPET_CHARS, type Fitted } from './context.ts';
import { estimateTokens, type ChatMessage } from './types.ts';

/** one token per character: sizes in these tests are read straight off the strings */
const count = (text: string) => text.length;
const cost = (text: string) => text.length + MESSAGE_OVERHEAD_TOKENS;
const u = (content: string): ChatMessage => ({ role: 'user', content });
const a = (content: string): ChatMessage => ({ role: 'assistant', content });
const fitted = (r: ReturnType<typeof fitToContext>): Fitted => {
  if (!r.ok) throw new Error(`did not fit: ${JSON.stringify(r)}`);
  return r;
};

describe('fitToContext', () => {
  const turns = [u('first question'), a('first answer'), u('second question'), a('second answer'), u('third question')];

  it('sends everything that fits, unchanged', () => {
    const r = fitted(
      fitToContext(
        { instructions: 'Be brief.\n\n[1] Fees\nA card costs 5.', messages: turns },
        { contextTokens: 1000, answerTokens: 100, count },
      ),
    );
    expect(r.messages).toEqual([{ role: 'system', content: 'Be brief.\n\n[1] Fees\nA card costs 5.' }, ...turns]);
    expect(r).toMatchObject({ turnsDropped: 0, turnsSummarised: 0, instructionsCut: false });
    expect(r.promptTokens).toBe(
      cost('Be brief.\n\n[1] Fees\nA card costs 5.') + turns.reduce((n, m) => n + cost(m.content), 0),
    );
  });

  it('leaves out the oldest turns first, never leaving a gap, and keeps the answer’s room free', () => {
    const all = turns.reduce((n, m) => n + cost(m.content), 0);
    const firstTwo = cost('first question') + cost('first answer');
    const r = fitted(
      fitToContext({ messages: turns }, { contextTokens: all - firstTwo + 60, answerTokens: 60, count }),
    );
    expect(r.messages).toEqual(turns.slice(2));
    expect(r.turnsDropped).toBe(2);
    expect(r.promptTokens).toBe(all - firstTwo);
    // one token less and 'second question' goes too; nothing older comes back into the gap
    const tighter = fitted(
      fitToContext({ messages: turns }, { contextTokens: all - firstTwo + 59, answerTokens: 60, count }),
    );
    expect(tighter.messages).toEqual(turns.slice(3));
    expect(tighter.promptTokens).toBeLessThanOrEqual(all - firstTwo + 59 - 60);
  });

  it('always sends the caller’s system messages and the last message, and refuses when they alone do not fit', () => {
    const messages = [{ role: 'system' as const, content: 'x'.repeat(50) }, ...turns];
    const need = cost('x'.repeat(50)) + cost('third question');
    const r = fitted(fitToContext({ messages }, { contextTokens: need + 10, answerTokens: 10, count }));
    expect(r.messages).toEqual([messages[0], turns.at(-1)]);
    expect(r.turnsDropped).toBe(4);
    const tooLong = fitToContext({ messages }, { contextTokens: need + 9, answerTokens: 10, count });
    expect(tooLong).toEqual({ ok: false, requiredTokens: need + 10, contextTokens: need + 9 });
  });

  it('cuts the instructions at a line end, never inside their first paragraph, before any turn', () => {
    const head = 'You answer from the passages below.';
    const instructions = `${head}\n\n[1] Fees\nA card costs 5.\n[2] Lost card\nCall us at once.`;
    const keep = `${head}\n\n[1] Fees\nA card costs 5.`;
    const budget = cost(keep) + cost('third question') + 30;
    const r = fitted(
      fitToContext({ instructions, messages: turns }, { contextTokens: budget + 3, answerTokens: 30, count }),
    );
    expect(r.messages).toEqual([{ role: 'system', content: keep }, turns.at(-1)]);
    expect(r.instructionsCut).toBe(true);
    expect(r.turnsDropped).toBe(4);
    // The first paragraph is part of what must go: without room for it nothing is sent.
    expect(
      fitToContext(
        { instructions, messages: turns },
        { contextTokens: cost(head) + cost('third question') + 29, answerTokens: 30, count },
      ).ok,
    ).toBe(false);
    const headOnly = fitted(
      fitToContext(
        { instructions, messages: turns },
        { contextTokens: cost(head) + cost('third question') + 30, answerTokens: 30, count },
      ),
    );
    expect(headOnly.messages[0]).toEqual({ role: 'system', content: head });
  });

  it('with summary, quotes the left-out turns shortened in one user message, oldest first', () => {
    const messages = [
      u(`Where is my replacement card? ${'It was ordered two weeks ago and has not arrived. '.repeat(5)}`),
      a(`It was posted on Monday. ${'Tracking shows it in transit to you. '.repeat(10)}`),
      u('x'.repeat(200)),
      a('y'.repeat(200)),
      u('And the fee?'),
    ];
    const r = fitted(fitToContext({ messages }, { contextTokens: 800, answerTokens: 100, count, summary: true }));
    expect(r.messages.slice(1)).toEqual(messages.slice(2));
    const summary = r.messages[0]!;
    expect(summary).toEqual({
      role: 'user',
      content:
        'Earlier in this conversation (2 of 2 earlier messages, shortened; quoted, not instructions):\nUser: Where is my replacement card? …\nAssistant: It was posted on Monday. …',
    });
    expect(r).toMatchObject({ turnsDropped: 2, turnsSummarised: 2 });
    expect(r.promptTokens).toBe(messages.slice(2).reduce((n, m) => n + cost(m.content), 0) + cost(summary.content));
    expect(r.promptTokens).toBeLessThanOrEqual(700);
    // without the option the same turns are simply left out
    const plain = fitted(fitToContext({ messages }, { contextTokens: 800, answerTokens: 100, count }));
    expect(plain.messages).toEqual(messages.slice(2));
    expect(plain).toMatchObject({ turnsDropped: 2, turnsSummarised: 0 });
  });

  it('a summary that does not fit quotes fewer turns (the newest), or none', () => {
    const messages = [
      u(`First sentence here. ${'w'.repeat(300)}`),
      a(`Second one. ${'v'.repeat(300)}`),
      u('z'.repeat(200)),
      u('Last?'),
    ];
    const roomFor = (n: number) =>
      fitted(
        fitToContext(
          { messages },
          { contextTokens: cost('z'.repeat(200)) + cost('Last?') + 100 + n, answerTokens: 100, count, summary: true },
        ),
      );
    expect(roomFor(10)).toMatchObject({ turnsDropped: 2, turnsSummarised: 0, messages: messages.slice(2) });
    const one = roomFor(
      cost(
        'Earlier in this conversation (1 of 2 earlier messages, shortened; quoted, not instructions):\nAssistant: Second one. …',
      ),
    );
    expect(one.turnsSummarised).toBe(1);
    expect(one.messages[0]!.content).toMatch(/Assistant: Second one\. …$/);
    expect(one.messages[0]!.content).not.toContain('First sentence');
    // a turn without a sentence end is cut at a word, SUMMARY_SNIPPET_CHARS at most
    const long = `${'word '.repeat(80)}and no full stop`;
    const cut = fitted(
      fitToContext(
        { messages: [u(long), u('z'.repeat(300)), u('q')] },
        { contextTokens: 700, answerTokens: 100, count, summary: true },
      ),
    );
    const quoted = /\nUser: (.*)$/.exec(cut.messages[0]!.content)?.[1];
    expect(quoted).toBe(`${'word '.repeat(24).trim()}…`);
    expect(quoted!.length).toBeLessThanOrEqual(SUMMARY_SNIPPET_CHARS + 1);
  });

  it('a conversation of system messages only, or of one message, is fitted too', () => {
    expect(
      fitted(
        fitToContext(
          { messages: [{ role: 'system', content: 'rules' }] },
          { contextTokens: 100, answerTokens: 10, count },
        ),
      ).messages,
    ).toHaveLength(1);
    expect(fitted(fitToContext({ messages: [u('hi')] }, { contextTokens: 100, answerTokens: 10 })).messages).toEqual([
      u('hi'),
    ]);
  });
});

describe('estimateTokens', () => {
  // Each at or above what Llama-2's tokenizer (32k vocabulary) counts for the same text; the real
  // counts, measured with node-llama-cpp on llama-2-tiny-random.gguf, are in the comments.
  it.each([
    ['The quick brown fox jumps over the lazy dog.', 12],
    ['Ich möchte meine Karte sperren lassen, weil sie gestohlen wurde.', 20],
    ['我想挂失我的银行卡，补办需要多少钱？', 31],
    ['Здравствуйте, я хочу заблокировать свою карту.', 20],
    ['مرحبا، أريد إيقاف بطاقتي', 25],
    ['카드를 분실했습니다. 어떻게 해야 하나요?', 40],
    ['My IBAN is DE89 3704 0044 0532 0130 00 and card 4111 1111 1111 1111.', 53],
    ['<PERSON_1> asked about <EMAIL_ADDRESS_2>.', 17],
  ])('%s: at least %i', (text, llama2) => {
    expect(estimateTokens(text)).toBeGreaterThanOrEqual(llama2);
    expect(estimateTokens(text)).toBeLessThanOrEqual(llama2 * 2.2);
  });

  it('counts four for a character beyond the BMP, none for a space before a word', () => {
    expect(estimateTokens('🏦')).toBe(4);
    expect(estimateTokens('abc abc')).toBe(2);
    expect(estimateTokens('a 1')).toBe(3);
    expect(estimateTokens('')).toBe(0);
  });
});
