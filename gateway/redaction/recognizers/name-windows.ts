// Where compromise needs to look. Parsing a message costs ~0.3 ms per 50 characters whether or not it
// names anyone, and most chat names no one; so only windows around tokens that could start a name
// are parsed: a word compromise's own lexicon tags as a name, place, organisation or honorific (in any
// case: "fraser", "mr"), a capitalised word it does not know ("Okafor"), or a capitalised word in the
// middle of a sentence ("spoke to Grace at the branch"). A known word that is capitalised only
// because it starts a sentence ("Hello", "My") is no reason to parse. The window keeps enough words
// either side for compromise's context rules ("spoke to X", "X here").
import nlp from 'compromise';
import { z } from 'zod';

const Lexicon = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const NAME_TAG = /^(?:Person|FirstName|MaleName|FemaleName|LastName|Honorific|Place|City|Country|Region|Organization|ProperNoun)$/;
const WORD = /[\p{L}][\p{L}'’.-]*/gu;
const CAPITAL = /^\p{Lu}/u;
const SENTENCE_END = /[.!?\n:;]\s*$|^\s*$/;
/** characters of context kept either side of a trigger word */
const REACH = 24;

let nameWords: ReadonlySet<string> | undefined;
let knownWords: ReadonlySet<string> | undefined;

function loadLexicon(): void {
  const lexicon = Lexicon.parse((nlp.model() as { one?: { lexicon?: unknown } }).one?.lexicon ?? {});
  const names = new Set<string>();
  for (const [word, tags] of Object.entries(lexicon)) {
    if ((Array.isArray(tags) ? tags : [tags]).some((t) => NAME_TAG.test(t))) names.add(word);
  }
  nameWords = names;
  knownWords = new Set(Object.keys(lexicon));
}

export function warmUpNameWindows(): void {
  if (!nameWords) loadLexicon();
}

function isTrigger(text: string, start: number, word: string): boolean {
  if (!nameWords || !knownWords) loadLexicon();
  const lower = word.toLowerCase().replace(/['’]s$|[.'’-]+$/u, '');
  if (lower.length < 2) return false;
  if (nameWords?.has(lower)) return true;
  if (!CAPITAL.test(word)) return false;
  if (!knownWords?.has(lower)) return true;
  return !SENTENCE_END.test(text.slice(Math.max(0, start - 3), start));
}

/** merged [start, end) spans of `text` worth parsing, snapped to word edges; empty when none */
export function nameWindows(text: string): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  for (const m of text.matchAll(WORD)) {
    if (!isTrigger(text, m.index, m[0])) continue;
    let start = Math.max(0, m.index - REACH);
    let end = Math.min(text.length, m.index + m[0].length + REACH);
    while (start > 0 && !/\s/.test(text[start - 1] ?? '')) start--;
    while (end < text.length && !/\s/.test(text[end] ?? '')) end++;
    const last = windows.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else windows.push({ start, end });
  }
  return windows;
}
