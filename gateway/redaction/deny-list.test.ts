import { describe, expect, it } from 'vitest';
import { createDenyList } from './deny-list.ts';

const deny = createDenyList([
  { term: 'Project Nightingale', type: 'ORGANIZATION' },
  { term: '夜莺计划', type: 'ORGANIZATION' },
  { term: 'X-17', type: 'ORGANIZATION' },
]);
const found = (text: string) => deny(text).map((e) => text.slice(e.start, e.end));

describe('deny list', () => {
  it.each<[string, string[]]>([
    ['about Project Nightingale.', ['Project Nightingale']],
    ['about project   NIGHTINGALE', ['project   NIGHTINGALE']],
    ['about Ｐｒｏｊｅｃｔ Ｎｉｇｈｔｉｎｇａｌｅ!', ['Ｐｒｏｊｅｃｔ Ｎｉｇｈｔｉｎｇａｌｅ']],
    ['Project Nightingales are birds', []],
    ['myProject Nightingale', []],
    ['关于夜莺计划的问题', ['夜莺计划']],
    ['codes X-17 and x-17, not X-170', ['X-17', 'x-17']],
    ['nothing here', []],
  ])('%j → %j', (text, expected) => {
    expect(found(text)).toEqual(expected);
  });

  it('reports deny hits with full score and their configured type', () => {
    expect(deny('Project Nightingale')).toEqual([
      { type: 'ORGANIZATION', start: 0, end: 19, score: 1, recognizer: 'deny-list' },
    ]);
  });
});
