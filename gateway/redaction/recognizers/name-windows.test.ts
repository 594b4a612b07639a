import { describe, expect, it } from 'vitest';
import { nameWindows, scanNames } from './name-windows.ts';

describe('name windows (where compromise parses)', () => {
  it.each([
    ['no name, nothing to parse', 'I want to check my balance please', []],
    ['a sentence-initial known word is no trigger', 'Hello, my card does not work. Please help', []],
    ['an unknown capitalised word is', 'transfer 200 to Okafor please', ['transfer 200 to Okafor please']],
    ['a lower-case name is not (the name lists find it)', 'hey its kwame fraser here', []],
    ['a mid-sentence known word is not', 'pls refund thx Transfer the money', []],
    ['a place alone is not', 'the parcel is stuck in Frankfurt since Monday', []],
    [
      'a mid-sentence capital is',
      'spoke to Grace at the branch yesterday about the mortgage',
      ['spoke to Grace at the branch yesterday'],
    ],
  ] as const)('%s', (_, text, expected) => {
    expect(nameWindows(text).map((w) => text.slice(w.start, w.end))).toEqual(expected);
  });

  it('reports lexicon places and cued employers without a parse', () => {
    const text = 'I live in Frankfurt now and I work at Goldman Sachs';
    const scan = scanNames(text);
    expect(scan.windows).toEqual([]);
    expect(scan.places.map((p) => [p.category, text.slice(p.start, p.end)])).toEqual([
      ['places', 'Frankfurt'],
      ['organizations', 'Goldman Sachs'],
    ]);
  });

  it('a name word after a place or a found name and a preposition is a place, unparsed', () => {
    const text = 'I moved from Austin to Houston last month';
    const scan = scanNames(text);
    expect(scan.windows).toEqual([]);
    expect(scan.places.map((p) => text.slice(p.start, p.end))).toEqual(['Austin', 'Houston']);
  });

  it('a name already found is no reason to parse', () => {
    const text = 'my name is Ngozi Okafor and my card is blocked';
    const start = text.indexOf('Ngozi');
    expect(nameWindows(text, [{ start, end: start + 'Ngozi Okafor'.length }])).toEqual([]);
    expect(nameWindows(text).length).toBe(1);
  });

  it('merges overlapping windows and keeps far-apart ones separate', () => {
    const text = `Regards from Okafor ${'and some more words here '.repeat(6)}then Mr Fraser`;
    const windows = nameWindows(text);
    expect(windows.length).toBe(2);
    expect(text.slice(windows[1]?.start, windows[1]?.end)).toContain('Mr Fraser');
  });
});
