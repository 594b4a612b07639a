import { describe, expect, it } from 'vitest';
import { createAnalyzer } from './analyzer.ts';

const analyze = createAnalyzer();
const people = async (text: string): Promise<string[]> => {
  const result = await analyze(text, { lang: 'en', timeoutMs: 10_000 });
  if (!result.ok) throw new Error(result.error.message);
  return result.entities.filter((e) => e.type === 'PERSON').map((e) => text.slice(e.start, e.end));
};

describe('a name found once is a name wherever else it stands in the message', () => {
  it('finds the surname alone after the full name', async () => {
    expect(await people('the letter from Ingrid Falkenrath arrived and Falkenrath signed it')).toEqual([
      'Ingrid Falkenrath',
      'Falkenrath',
    ]);
  });
  it('finds a lower-case given name again', async () => {
    expect(await people('my name is zorvina kettleby but friends call me zorvina')).toEqual([
      'zorvina kettleby',
      'zorvina',
    ]);
  });
  it('leaves a word that is ordinary too', async () => {
    expect(await people('Hi, I am Will Harrow and I will pay tomorrow')).toEqual(['Will Harrow']);
  });
  it('makes a given name compromise reads as a place a person', async () => {
    expect(await people("I'm so happy! said Paolo to Monica")).toEqual(['Paolo', 'Monica']);
  });
});
