// The knowledge editor's side-by-side diff rows, table-driven: pairing of replaced runs, uneven
// runs, and every line kept in order on its side.
import { describe, expect, it } from 'vitest';
import { lineDiff } from '../../gateway/knowledge/diff.ts';
import { type Row, sideBySide } from '../../web/console/src/admin/knowledge/sideBySide.ts';

const cells = (rows: Row[]) =>
  rows.map((r) => [r.left ? `${r.left.op}:${r.left.text}` : '', r.right ? `${r.right.op}:${r.right.text}` : '']);

describe('sideBySide', () => {
  const cases: { name: string; before: string; after: string; rows: string[][] }[] = [
    {
      name: 'unchanged text: the same line on both sides',
      before: 'a\nb',
      after: 'a\nb',
      rows: [
        ['same:a', 'same:a'],
        ['same:b', 'same:b'],
      ],
    },
    {
      name: 'a replaced line: removal beside its addition',
      before: 'a\nold\nc',
      after: 'a\nnew\nc',
      rows: [
        ['same:a', 'same:a'],
        ['del:old', 'add:new'],
        ['same:c', 'same:c'],
      ],
    },
    {
      name: 'two lines replaced by one: the extra removal stands alone',
      before: 'x\ny\nz',
      after: 'w\nz',
      rows: [
        ['del:x', 'add:w'],
        ['del:y', ''],
        ['same:z', 'same:z'],
      ],
    },
    {
      name: 'lines only added at the end',
      before: 'a',
      after: 'a\nb\nc',
      rows: [
        ['same:a', 'same:a'],
        ['', 'add:b'],
        ['', 'add:c'],
      ],
    },
    {
      name: 'everything removed',
      before: 'a\nb',
      after: '',
      rows: [
        ['del:a', 'add:'],
        ['del:b', ''],
      ],
    },
  ];
  it.each(cases)('$name', ({ before, after, rows }) => {
    expect(cells(sideBySide(lineDiff(before, after)))).toEqual(rows);
  });

  it('keeps every line of each version, in order, on its side', () => {
    const before = 'one\ntwo\nthree\nfour\nfive';
    const after = 'zero\none\nthree\nFOUR\nfive\nsix';
    const rows = sideBySide(lineDiff(before, after));
    expect(rows.flatMap((r) => (r.left ? [r.left.text] : []))).toEqual(before.split('\n'));
    expect(rows.flatMap((r) => (r.right ? [r.right.text] : []))).toEqual(after.split('\n'));
  });
});
