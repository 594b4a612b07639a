// A name found once in a message is a name wherever else its words stand in that message: "Terence
// Vassiliev's Cautionary Tales … early Vassiliev?", "my name is borna jerković but everyone calls me
// borna". Only words of a name found with confidence count, of three letters or more, and never a
// word that is an ordinary word too ("Will", "Grace"); a capitalised name's word counts only where it
// is capitalised again.
import { COMMON_WORDS, NOT_NAMES } from './recognizers/name-lists.ts';
import type { Candidate } from './recognizers/recognizer.ts';

/** a finding at least this sure seeds the search (the stock policy's PERSON threshold) */
export const REPEAT_SEED_SCORE = 0.6;
const REPEAT_SCORE = 0.65;
const LATIN_WORD = /^[\p{Script=Latin}'’-]{3,}$/u;

export function nameRepeats(text: string, people: readonly Candidate[]): Candidate[] {
  const words = new Map<string, boolean>(); // word → must be capitalised
  for (const p of people) {
    if (p.score < REPEAT_SEED_SCORE) continue;
    for (const word of text.slice(p.start, p.end).split(/\s+/)) {
      const bare = word.replace(/['’]s$/u, '');
      const lower = bare.toLowerCase();
      if (!LATIN_WORD.test(bare) || NOT_NAMES.has(lower) || COMMON_WORDS.has(lower)) continue;
      const capital = /^\p{Lu}/u.test(bare);
      words.set(lower, (words.get(lower) ?? true) && capital);
    }
  }
  const found: Candidate[] = [];
  if (words.size === 0) return found;
  const lowerText = text.toLowerCase();
  for (const [word, capital] of words) {
    for (let at = lowerText.indexOf(word); at >= 0; at = lowerText.indexOf(word, at + word.length)) {
      const end = at + word.length;
      if (/[\p{L}\p{N}]/u.test(text[at - 1] ?? '') || /[\p{L}\p{N}]/u.test(text[end] ?? '')) continue;
      if (capital && !/^\p{Lu}/u.test(text[at] ?? '')) continue;
      if (people.some((p) => p.start < end && at < p.end)) continue;
      found.push({ start: at, end, score: REPEAT_SCORE });
    }
  }
  return found;
}
