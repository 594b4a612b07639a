// One-word names and names the capitalised-sequence rule cannot see, found by where they stand:
// - a list of names ("our founders: Monjeau, Graves and Reed", "Marrero and Murphy were"): every item
//   a listed name or a word no dictionary knows, at least one of them listed;
// - a place only a person takes: a greeting ("Hi Christin,"), speech ("said Maslin", "says Gerste."),
//   kin ("my kid Tadzio"), a question put to someone ("Warrane, can I …"), a speaker's turn
//   ("Vinka: What a wife"), the verbs a person does ("Zak shouted", "Rintanen began writing").
// A word the lexicon knows as anything but a name ("Personal", "Note", "London") is no name here.
import { names, NOT_NAMES } from './name-lists.ts';
import type { Candidate } from './recognizer.ts';

const WORD = "\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}?[\\p{Ll}]+)?";
const LIST = new RegExp(`(?<![\\p{L}.'’-] ?)(${WORD})((?:, ${WORD}){0,8}),? and (${WORD})(?![\\p{L}]| ${WORD})`, 'gu');
// The name is the group `value`; each pattern says where a person stands.
const POSITIONS: readonly RegExp[] = [
  new RegExp(`\\b(?:Hi|Hello|Hey|Dear|Thanks|Thank you|Bye),? (?<value>${WORD})(?=[,!.:]|\\s*$)`, 'gmdu'),
  new RegExp(
    `\\b(?:said|says|asked|told|replied|wrote|yelled|shouted at) (?<value>${WORD})(?![\\p{L}]| ${WORD})`,
    'gdu',
  ),
  new RegExp(`\\b(?:said|says|asked|told|replied) ${WORD} to (?<value>${WORD})(?![\\p{L}]| ${WORD})`, 'gdu'),
  new RegExp(
    `\\bmy (?:kid|son|daughter|wife|husband|child|mother|mum|mom|father|dad|brother|sister|partner|friend|colleague|boss|grandson|granddaughter|nephew|niece|uncle|aunt) (?<value>${WORD})(?![\\p{L}])`,
    'gdu',
  ),
  new RegExp(
    `(?:^|[.!?]\\s+)(?<value>${WORD}), (?=(?:can|could|would|will|please|I|we|you|do|did|are|is|have)\\b)`,
    'gmdu',
  ),
  new RegExp(`^[ \\t>]*(?<value>${WORD}):[ \\t]*["“]?(?=\\p{Lu})`, 'gmdu'),
  new RegExp(
    `(?:^|[.!?]\\s+|\\band )(?<value>${WORD}) (?=(?:shouted|said|says|asked|replied|began|spent|lives|lived|wrote|called|will be)\\b)`,
    'gmdu',
  ),
  new RegExp(
    `\\b(?:name is|starring|featuring|calls me|kid named|remove) (?<value>${WORD})(?![\\p{L}]| ${WORD})`,
    'gdu',
  ),
];
const bare = (word: string): string => word.toLowerCase().replace(/['’]s$/u, '');

export function namesByPosition(text: string): Candidate[] {
  const { given, surnames, known, other } = names();
  const listed = (w: string): boolean => given.has(bare(w)) || surnames.has(bare(w));
  // listed, or unknown to the lexicon; never a word that is only something else
  const nameLike = (w: string): boolean => !NOT_NAMES.has(bare(w)) && (listed(w) || !known.has(bare(w)));
  const found: Candidate[] = [];
  // (every list has an "and": the regex is not run over text without one)
  for (const m of text.includes(' and ') ? text.matchAll(LIST) : []) {
    const items = [m[1] ?? '', ...(m[2] ?? '').split(', ').filter((w) => w !== ''), m[3] ?? ''];
    // Two items are names when both look like one and one is listed; in a longer list a capitalised ordinary word
    // ("Graves", "Reed") is a surname as long as one item is a name and none is a place or a company.
    const ok =
      items.length === 2
        ? items.every(nameLike) && items.some(listed)
        : items.some(nameLike) && items.every((w) => nameLike(w) || !other.has(bare(w)));
    if (!ok || items.some((w) => NOT_NAMES.has(bare(w)))) continue;
    let at = m.index;
    for (const item of items) {
      const start = text.indexOf(item, at);
      found.push({ start, end: start + item.length, score: 0.65 });
      at = start + item.length;
    }
  }
  for (const regex of POSITIONS) {
    for (const m of text.matchAll(regex)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [0, 0];
      const word = text.slice(start, end);
      if (end > start && nameLike(word)) found.push({ start, end: end - (/['’]s$/u.test(word) ? 2 : 0), score: 0.65 });
    }
  }
  return found;
}
