import { describe, expect, it } from 'vitest';
import { nameWindows } from './name-windows.ts';

describe('name windows (where compromise parses)', () => {
  it.each([
    ['no name, nothing to parse', 'I want to check my balance please', []],
    ['a sentence-initial known word is no trigger', 'Hello, my card does not work. Please help', []],
    ['an unknown capitalised word is', 'transfer 200 to Okafor please', ['transfer 200 to Okafor please']],
    ['a lexicon name in lower case is', 'hey its kwame fraser here', ['hey its kwame fraser here']],
    ['a mid-sentence capital is', 'spoke to Grace at the branch yesterday about the mortgage', ['spoke to Grace at the branch yesterday']],
  ] as const)('%s', (_, text, expected) => {
    expect(nameWindows(text).map((w) => text.slice(w.start, w.end))).toEqual(expected);
  });

  it('merges overlapping windows and keeps far-apart ones separate', () => {
    const text = `Regards from Okafor ${'and some more words here '.repeat(6)}then Mr Fraser`;
    const windows = nameWindows(text);
    expect(windows.length).toBe(2);
    expect(text.slice(windows[1]?.start, windows[1]?.end)).toContain('Mr Fraser');
  });
});
