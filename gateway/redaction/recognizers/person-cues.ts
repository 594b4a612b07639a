// Names after a cue that the capitalised patterns of person-intro.ts cannot read, in every language:
// - lower case after an introduction ("me llamo javier torres", "my name is vitoria");
// - a sign-off in any case and with a slip of the keys ("viele grüße, ute hoffmann",
//   "Met virendelijke groet,\nRuben Dekker");
// - a payee right before the account the money goes to ("a carmen fernández, cuenta es13 …",
//   "naar pieter van der berg op nl54 …");
// - a title typed with two letters swapped ("monseiur Bernard").
// A lower-case word is a name here only when the name lists say so (accents aside: "garcía" is
// "garcia") or the cue leaves no doubt ("my name is", "me llamo").
import { COMMON_WORDS, names, NOT_NAMES } from './name-lists.ts';
import type { Candidate, RecognizerInput } from './recognizer.ts';

/** every spelling of a word with two neighbouring letters swapped, the word itself first */
function withSwaps(word: string): string[] {
  const out = [word];
  for (let i = 0; i + 1 < word.length; i++) {
    if (word[i] === word[i + 1] || word[i] === ' ' || word[i + 1] === ' ') continue;
    out.push(word.slice(0, i) + (word[i + 1] ?? '') + (word[i] ?? '') + word.slice(i + 2));
  }
  return out;
}
const alternatives = (words: readonly string[], swaps: boolean): string =>
  [...new Set(words.flatMap((w) => (swaps && w.length >= 5 ? withSwaps(w) : [w])))]
    .sort((a, b) => b.length - a.length)
    .map((w) => w.replace(/[.]/g, '\\.'))
    .join('|');

// Introductions that can only be followed by a name, and those that often are ("soy", "i am").
const SURE = ['my name is', "my name's", 'name:', 'me llamo', 'mi nombre es', "je m'appelle", 'je m’appelle'];
const SURE_MORE = ['mon nom est', 'ich heiße', 'ich heisse', 'mein name ist', 'mijn naam is', 'ik heet', 'mi chiamo'];
const SURE_ALL = [...SURE, ...SURE_MORE, 'il mio nome è', 'nazywam się', 'mam na imię'];
const MAYBE = ['soy', 'i am', "i'm", 'this is', 'ik ben', 'je suis', 'hier ist', 'sono'];
// The last word of a sign-off ("Met vriendelijke groet", "Viele Grüße", "Un saludo").
const SIGN_OFF = [
  'regards',
  'thanks',
  'cheers',
  'grüße',
  'grüsse',
  'gruß',
  'cordialement',
  'saludos',
  'saludo',
  'saluti',
  'groet',
  'groeten',
  'pozdrawiam',
  'poważaniem',
];
const TITLES = ['monsieur', 'madame', 'señor', 'señora', 'signor', 'signora', 'meneer', 'mevrouw', 'mister'];
// Words a name never runs into: conjunctions, articles, prepositions of the appliance's languages.
const STOP = new Set(
  (
    'and but or if so y pero o et mais ou und aber oder en maar of e ma i ale lub the a an el la los las le les der die das ' +
    'het een de del du des di da van von at in on to for from with con avec mit met per por para pour für voor here aquí ' +
    'ici hier qui sono no not ne nicht niet is es est ist and also too muy très sehr zeer y i'
  ).split(' '),
);

const LOWER = "\\p{Ll}[\\p{Ll}'’-]+";
const CAP = "\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}]+)?";
const PARTICLE = '(?:van der|van den|van de|van|de la|de|del|von|da|di|le|la|dos|das|do)';
const ANY_WORD = `(?:${CAP}|${LOWER})`;
/** one to three words, particles and a middle initial between them */
const NAME = `(?<value>${ANY_WORD}(?:(?: ${PARTICLE})? (?:\\p{L}\\.? )?${ANY_WORD}){0,2})`;

const INTRO = new RegExp(
  `(?<![\\p{L}])(?<cue>${alternatives(SURE_ALL, false)}|${alternatives(MAYBE, false)})[ ,:]+${NAME}`,
  'giud',
);
const SIGNED = new RegExp(
  `(?<![\\p{L}])(?:${alternatives(SIGN_OFF, true)})[,!.]?[ \\t]*\\n?[ \\t]*${NAME}[ \\t.!]*$`,
  'giud',
);
const PAYEE = new RegExp(
  `(?<![\\p{L}])(?:a|to|an|à|naar|aan|para|do)\\s+${NAME},?\\s+(?:(?:cuenta|account|acct|konto|compte|rekening|conto|iban|op|en|on|auf|sur|su|na)[:\\s]+)?(?=\\p{L}{2} ?\\d{2}(?:[ ]?[\\p{L}\\d]{2,}){3})`,
  'giud',
);
const TITLED = new RegExp(`(?<![\\p{L}])(?:${alternatives(TITLES, true)})\\.? ${NAME}`, 'giud');

const fold = (word: string): string => word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '');

const PARTICLE_WORD = /^(?:van|der|den|de|la|del|von|da|di|le|dos|das|do)$/iu;
const INITIAL = /^\p{L}\.?$/u;
const UPPER_FIRST = /^\p{Lu}/u;

/** the name words of a match: a capitalised name runs over capitalised words (particles and
 * initials between them), a lower-case one over the words `more` accepts; [] when the first word
 * is no name */
function nameWords(value: string, more: (word: string) => boolean): string[] {
  const all = value.split(' ');
  const first = all[0] ?? '';
  if (NOT_NAMES.has(first.toLowerCase()) || STOP.has(first.toLowerCase())) return [];
  const upper = UPPER_FIRST.test(first);
  const words = [first];
  for (const word of all.slice(1)) {
    const between = PARTICLE_WORD.test(word) || (INITIAL.test(word) && !STOP.has(word.toLowerCase()));
    // the word after a particle is the surname, whatever the lists say ("pieter van der berg")
    const surname = PARTICLE_WORD.test(words.at(-1) ?? '') || (!upper && !STOP.has(word) && more(word));
    if (NOT_NAMES.has(word.toLowerCase())) break;
    if (!between && (upper ? !UPPER_FIRST.test(word) : UPPER_FIRST.test(word) || !surname)) break;
    words.push(word);
  }
  // particles and initials do not end a name
  while (words.length > 1 && (PARTICLE_WORD.test(words.at(-1) ?? '') || INITIAL.test(words.at(-1) ?? ''))) words.pop();
  return words;
}

export function cuedNames({ text }: RecognizerInput): Candidate[] {
  const { given, surnames, known } = names();
  const isGiven = (w: string): boolean => given.has(fold(w)) && !COMMON_WORDS.has(fold(w));
  const isSurname = (w: string): boolean => surnames.has(fold(w));
  const found: Candidate[] = [];
  // a lower-case word after a lower-case name is its surname when listed or unknown to the lexicon
  const more = (w: string): boolean => isGiven(w) || isSurname(w) || (w.length >= 3 && !known.has(fold(w)));
  const add = (regex: RegExp, score: number, accept: (words: string[], cue: string) => boolean): void => {
    for (const m of text.matchAll(regex)) {
      const [start] = m.indices?.groups?.['value'] ?? [0, 0];
      const words = nameWords(m.groups?.['value'] ?? '', more);
      if (words.length === 0 || !accept(words, (m.groups?.['cue'] ?? '').toLowerCase().replace(/\s+/g, ' '))) continue;
      found.push({ start, end: start + words.join(' ').length, score });
    }
  };
  const capitalised = (words: string[]): boolean => UPPER_FIRST.test(words[0] ?? '');
  const listed = (words: string[]): boolean =>
    isGiven(words[0] ?? '') || (words.length > 1 && isSurname(words.at(-1) ?? ''));
  // capitalised and no word of it the lexicon has as an ordinary word
  const unknownCaps = (words: string[]): boolean =>
    capitalised(words) && words.every((w) => isGiven(w) || isSurname(w) || !known.has(fold(w)));
  add(INTRO, 0.75, (words, cue) => {
    if (capitalised(words)) return false; // person-intro.ts reads those
    if (listed(words)) return true;
    // After "my name is" any word is the name, unless the lexicon (English) has it as an ordinary
    // word; in other languages it knows no ordinary words ("mein name ist egal"), so the lists decide.
    const first = fold(words[0] ?? '');
    return SURE.slice(0, 3).includes(cue) && first.length >= 3 && !known.has(first);
  });
  add(SIGNED, 0.75, (words) => unknownCaps(words) || listed(words));
  add(PAYEE, 0.75, (words) => unknownCaps(words) || listed(words));
  add(TITLED, 0.8, (words) => capitalised(words) || listed(words));
  return found;
}
