// Context words near a match raise its score; some entities are only reported with one nearby.

const LATIN_LETTER = /[\p{L}\p{N}]/u;
const HAN = /\p{Script=Han}/u;

/** true when one of `words` (lower-case) occurs within the window around [start, end) */
export function hasContextWord(
  text: string,
  start: number,
  end: number,
  words: readonly string[],
  window: { before: number; after: number },
): boolean {
  const from = Math.max(0, start - window.before);
  const to = Math.min(text.length, end + window.after);
  // Search before and after the match separately so the matched value itself is never its own context.
  const before = text.slice(from, start).toLowerCase();
  const after = text.slice(end, to).toLowerCase();
  return words.some((w) => containsWord(before, w) || containsWord(after, w));
}

function containsWord(haystack: string, word: string): boolean {
  let at = haystack.indexOf(word);
  // Han words are matched as substrings (no spaces in Chinese); Latin words need word edges so
  // that 'dob' does not fire inside 'adobe'.
  if (HAN.test(word)) return at >= 0;
  while (at >= 0) {
    const prev = haystack[at - 1];
    const next = haystack[at + word.length];
    const edgeBefore = prev === undefined || !LATIN_LETTER.test(prev) || !LATIN_LETTER.test(word[0] ?? '');
    const edgeAfter = next === undefined || !LATIN_LETTER.test(next) || !LATIN_LETTER.test(word.at(-1) ?? '');
    if (edgeBefore && edgeAfter) return true;
    at = haystack.indexOf(word, at + 1);
  }
  return false;
}
