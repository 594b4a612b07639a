// Two versions side by side (rows from sideBySide.ts), the changed lines marked for screen readers too.
import type { KbDiff, KbDiffLine } from '../../../../../protocol/knowledge.ts';
import { t } from '../../i18n.ts';
import { sideBySide } from './sideBySide.ts';

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
