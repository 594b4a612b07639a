// Typo tolerance: a question word the index has never seen is replaced by the most common indexed
// word within a small edit distance (1 for short words, 2 from 7 letters), transpositions included.
// A typo can also stop the stemmer from taking a suffix off ("internatonal" stays "internaton"
// while "international" is "intern"): with nothing within that distance, the longest indexed stem
// (5 letters or more) the word begins with, followed by at most a suffix's length, stands in (a
// compound's first word too: "photocopi" → "photo", at a corrected word's reduced credit) — or,
// failing that, the longest such stem the word begins with one edit off ("actvat" → "activ").

/** Optimal-string-alignment distance, giving up (returning max + 1) once it must exceed max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    const row = new Array<number>(b.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const prev = rows[i - 1]!;
    let best = row[0]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row[j] = d;
      if (d < best) best = d;
    }
    if (best > max) return max + 1;
  }
  return rows[a.length]![b.length]!;
}

export const maxEdits = (word: string) => (word.length >= 7 ? 2 : word.length >= 4 ? 1 : 0);

/** a stem standing in for a word it begins with leaves at most this many letters over */
const MAX_SUFFIX = 5;
const MIN_PREFIX_STEM = 5;

/** The indexed word nearest to `word` (fewest edits, then most passages), or undefined. */
export function correct(word: string, vocabulary: Iterable<[string, number]>): string | undefined {
  const max = maxEdits(word);
  if (max === 0 || /\d/.test(word)) return undefined;
  let best: { term: string; d: number; df: number } | undefined;
  let prefix: { term: string; df: number } | undefined;
  let nearPrefix: { term: string; df: number } | undefined;
  for (const [term, df] of vocabulary) {
    if (
      !best &&
      !prefix &&
      term.length >= MIN_PREFIX_STEM &&
      (!nearPrefix ||
        term.length > nearPrefix.term.length ||
        (term.length === nearPrefix.term.length && df > nearPrefix.df)) &&
      beginsNearly(word, term)
    )
      nearPrefix = { term, df };
    const begins =
      term.length >= MIN_PREFIX_STEM &&
      term.length < word.length &&
      word.length - term.length <= MAX_SUFFIX &&
      word.startsWith(term);
    const near = Math.abs(term.length - word.length) <= max;
    if ((!begins && !near) || /\p{Script=Han}/u.test(term)) continue;
    if (
      begins &&
      (!prefix || term.length > prefix.term.length || (term.length === prefix.term.length && df > prefix.df))
    )
      prefix = { term, df };
    if (!near) continue;
    const d = editDistance(word, term, max);
    if (d > max) continue;
    if (!best || d < best.d || (d === best.d && df > best.df)) best = { term, d, df };
  }
  return best?.term ?? prefix?.term ?? nearPrefix?.term;
}

/**
 * The word begins, one edit off, with the stem, a suffix's length at most left over: a typo inside
 * the stem kept the stemmer from taking the suffix off ("actvate" stays "actvat", "activate" is "activ").
 */
function beginsNearly(word: string, term: string): boolean {
  if (/\p{Script=Han}/u.test(term)) return false;
  for (let length = term.length - 1; length <= term.length + 1; length++) {
    if (length > word.length || word.length - length > MAX_SUFFIX || length < MIN_PREFIX_STEM - 1) continue;
    if (word.slice(0, length) !== term && editDistance(word.slice(0, length), term, 1) <= 1) return true;
  }
  return false;
}
