// Libraries with superlinear cost (compromise, segmentit, libphonenumber) see long text in bounded,
// overlapping windows; the analyzer checks its time budget between windows.

export interface Chunk {
  /** offset of the window in the full text */
  offset: number;
  text: string;
}

/** overlap is larger than any single entity, so an entity cut by one window is whole in the next */
export const CHUNK_OVERLAP = 100;
const SNAP = 40;

export function chunkText(text: string, size: number): Chunk[] {
  if (text.length <= size) return [{ offset: 0, text }];
  const chunks: Chunk[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    // End windows at a space so words (names) are not cut; never shrink a window by more than SNAP.
    if (end < text.length) end = snapBack(text, end, Math.max(start + 1, end - SNAP));
    chunks.push({ offset: start, text: text.slice(start, end) });
    if (end >= text.length) break;
    const next = snapBack(
      text,
      Math.max(start + 1, end - CHUNK_OVERLAP),
      Math.max(start + 1, end - CHUNK_OVERLAP - SNAP),
    );
    start = next;
  }
  return chunks;
}

/** the last position in [floor, at] right after whitespace or punctuation; `at` when there is none */
function snapBack(text: string, at: number, floor: number): number {
  for (let i = at; i > floor; i--) {
    if (/[\s,.;!?，。；！？、]/u.test(text[i - 1] ?? '')) return i;
  }
  return at;
}
