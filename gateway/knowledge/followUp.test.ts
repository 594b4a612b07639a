// Which follow-ups name a topic of their own (searched alone) and which only ask about the last one.
import { describe, expect, it } from 'vitest';
import { isUnknownText, unknownText } from './answer.ts';
import { isShort, lastQuestions, topicWords } from './followUp.ts';

describe('follow-up questions', () => {
  it.each([
    'How long does it take to get the new one?',
    'how long does that take?',
    'and then?',
    'is it possible?',
    '多久能到？',
  ])('"%s" names no topic', (q) => {
    expect(topicWords(q)).toEqual([]);
  });
  it.each([
    'How do I change my PIN?',
    'what about abroad?',
    'and the fee?',
    'Can I get a mortgage for a boat?',
    '手续费多少？',
  ])('"%s" names a topic', (q) => {
    expect(topicWords(q).length).toBeGreaterThan(0);
  });
  it('counts a message of up to twelve words as short', () => {
    expect(isShort('How long does it take to get the new one?')).toBe(true);
    expect(isShort('I lost my card yesterday on the way home from work and I need to know what to do now')).toBe(false);
  });
  it('takes the newest question and the one before it from the transcript', () => {
    const turns = [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'x' },
      { role: 'user', content: 'b' },
    ];
    expect(lastQuestions(turns)).toEqual({ question: 'b', previous: 'a' });
    expect(lastQuestions(turns.slice(0, 1))).toEqual({ question: 'a' });
  });
  it('has the "I don\'t know" in the five widget languages and recognises each', () => {
    const texts = ['en', 'zh', 'de', 'fr', 'es'].map((l) => unknownText(l));
    expect(new Set(texts).size).toBe(5);
    for (const t of texts) expect(isUnknownText(t)).toBe(true);
    expect(unknownText('de-CH')).toBe(unknownText('de'));
    expect(isUnknownText('Freeze your card in the app.')).toBe(false);
  });
});
