// A line diff as rows of two columns: removed lines on the left, added lines on the right,
// unchanged lines on both; a run of removals is paired row by row with the additions that replace it.
// Pure: every line of the diff lands in exactly one row, in order on each side.
import type { KbDiffLine } from '../../../../../protocol/knowledge.ts';

export type Row = { left: KbDiffLine | null; right: KbDiffLine | null };

export function sideBySide(lines: KbDiffLine[]): Row[] {
  const rows: Row[] = [];
  let dels: KbDiffLine[] = [];
  let adds: KbDiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++)
      rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
    dels = [];
    adds = [];
  };
  for (const line of lines) {
    if (line.op === 'del') dels.push(line);
    else if (line.op === 'add') adds.push(line);
    else {
      flush();
      rows.push({ left: line, right: line });
    }
  }
  flush();
  return rows;
}
