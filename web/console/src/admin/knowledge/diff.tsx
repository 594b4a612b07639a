// Two versions side by side: removed lines on the left, added lines on the right, unchanged lines
// on both, a run of removals paired row by row with the additions that replace it.
import type { KbDiff, KbDiffLine } from '../../../../../protocol/knowledge.ts';
import { t } from '../../i18n.ts';

type Row = { left: KbDiffLine | null; right: KbDiffLine | null };

export function sideBySide(lines: KbDiffLine[]): Row[] {
  const rows: Row[] = [];
  let dels: KbDiffLine[] = [];
  let adds: KbDiffLine[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
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

function Cell({ line }: { line: KbDiffLine | null }) {
  if (!line) return <td />;
  const mark = line.op === 'del' ? t('kb.diff.removedMark') : line.op === 'add' ? t('kb.diff.addedMark') : '';
  return (
    <td class={line.op === 'same' ? undefined : line.op}>
      {mark && <span class="sr-only">{mark} </span>}
      {line.text || ' '}
    </td>
  );
}

export function DiffTable({ diff, from, to }: { diff: KbDiff; from: number; to: number }) {
  return (
    <div class="table-wrap">
      <p data-testid="kb-diff-summary">{t('kb.diff.summary', { added: diff.added, removed: diff.removed })}</p>
      {diff.title && <p>{t('kb.diff.titleChanged', { from: diff.title.from, to: diff.title.to })}</p>}
      <table class="kb-diff">
        <caption>{t('kb.diff.caption', { from, to })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('kb.diff.version', { n: from })}</th>
            <th scope="col">{t('kb.diff.version', { n: to })}</th>
          </tr>
        </thead>
        <tbody>
          {sideBySide(diff.lines).map((r, i) => (
            <tr key={i}>
              <Cell line={r.left} />
              <Cell line={r.right} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
