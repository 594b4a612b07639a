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
  // Most words are absent from a short window: answer that before testing the word's script.
  if (at < 0) return false;
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

// A cue word typed with two neighbouring letters swapped ("geobren", "pasesport") is still that cue:
// for the recognizers that report nothing without one, a word of six letters or more is also
// looked for in those spellings (only after the exact words are not found, so the common case costs
// nothing more).
const MIN_SWAPPED = 6;
const swapCache = new WeakMap<readonly string[], readonly string[]>();
export function swappedSpellings(words: readonly string[]): readonly string[] {
  let out = swapCache.get(words);
  if (!out) {
    const variants = new Set<string>();
    for (const w of words) {
      if (w.length < MIN_SWAPPED || HAN.test(w)) continue;
      for (let i = 0; i + 1 < w.length; i++) {
        const a = w[i] ?? '';
        const b = w[i + 1] ?? '';
        if (a === b || !LATIN_LETTER.test(a) || !LATIN_LETTER.test(b)) continue;
        variants.add(w.slice(0, i) + b + a + w.slice(i + 2));
      }
    }
    for (const w of words) variants.delete(w);
    swapCache.set(words, (out = [...variants]));
  }
  return out;
}
