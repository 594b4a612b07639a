// A small emoji grid: arrow keys move (roving tabindex), Enter inserts at the cursor, Escape
// closes and returns to the button that opened it.
import { h } from './dom.ts';

const EMOJI = [
  ...'😀😃😄😁😊🙂😉😍😘😎🤔😐😕😢😭😡😱🙏👍👎👏🙌👋👌✌️💪❤️💔⭐🔥🎉✅❌⚠️❓💡💳🏦💶📄'.matchAll(
    /\p{Extended_Pictographic}\uFE0F?/gu,
  ),
].map((m) => m[0]);
const COLUMNS = 8;

export function openEmojiPicker(button: HTMLButtonElement, textarea: HTMLTextAreaElement): void {
  const container = button.closest('.panel-inner') as HTMLElement;
  const existing = container.querySelector('.emoji');
  if (existing) return close(existing as HTMLElement, true);
  const cells = EMOJI.map((e, i) =>
    h(
      'button',
      {
        type: 'button',
        role: 'gridcell',
        tabindex: i === 0 ? '0' : '-1',
        'aria-label': e,
        on: { click: () => insert(e) },
      },
      e,
    ),
  );
  const grid = h('div', { class: 'emoji', role: 'grid', 'aria-label': button.getAttribute('aria-label') ?? '' }, cells);
  const insert = (e: string) => {
    textarea.setRangeText(e, textarea.selectionStart, textarea.selectionEnd, 'end');
    textarea.dispatchEvent(new Event('input'));
    textarea.focus(); // before the grid goes: removing the focused cell would drop focus to the page
    close(grid, false);
  };
  grid.addEventListener('keydown', (e) => {
    const i = cells.indexOf(e.target as HTMLButtonElement);
    const moves: Record<string, number> = {
      ArrowRight: 1,
      ArrowLeft: -1,
      ArrowDown: COLUMNS,
      ArrowUp: -COLUMNS,
      Home: -i,
      End: cells.length - 1 - i,
    };
    if (e.key === 'Escape') {
      e.preventDefault(); // the panel leaves Escape alone when we took it
      e.stopPropagation();
      close(grid, true);
    } else if (e.key in moves) {
      e.preventDefault();
      const next = cells[Math.max(0, Math.min(cells.length - 1, i + moves[e.key]!))]!;
      cells.forEach((c) => (c.tabIndex = c === next ? 0 : -1));
      next.focus();
    }
  });
  grid.addEventListener('focusout', (e) => {
    if (!grid.contains(e.relatedTarget as Node) && e.relatedTarget !== button) close(grid, false);
  });
  function close(popup: HTMLElement, focusButton: boolean) {
    popup.remove();
    button.setAttribute('aria-expanded', 'false');
    if (focusButton) button.focus();
  }
  container.append(grid);
  button.setAttribute('aria-expanded', 'true');
  cells[0]!.focus();
}
