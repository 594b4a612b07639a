// Names without a cue phrase: "Priya Raghunathan will call the branch", "Oona Halvorsen here",
// "MWANGI, Achieng — account holder", "阿依古丽·买买提". Three signals, each enough alone:
// a capitalised sequence whose first word is a known given name (compromise's lexicon of about
// 3,000 given names across cultures, plus the common ones it lacks) or whose last is a known
// surname; a position only a name takes (before "here", "speaking", "will call"); and the
// "SURNAME, Given" order of forms and bank records. Names joined by a middle dot (·) are
// transliterated foreign names in Chinese text.
import { COMMON_WORDS, names, NOT_NAMES, SHORTHAND } from './name-lists.ts';
import { namesByPosition } from './person-positions.ts';
import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';

const CAP = "\\p{Lu}(?:['’]\\p{Lu}|c\\p{Lu}|ac\\p{Lu})?[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}]+)?";
// "Maika van de Noort", "Ana de la Cruz": lower-case particles between capitalised words
const PARTICLES = '(?:van der|van den|van de|van|de la|de|del|von|da|di|dos|das|du)';
const SEQUENCE = new RegExp(`(?<![\\p{L}])${CAP}(?: (?:${PARTICLES} )?(?:\\p{Lu}\\.? )?${CAP}){1,2}(?![\\p{L}])`, 'gu');
const PARTICLE_WORD = /^(?:van|der|den|de|la|del|von|da|di|dos|das|du)$/u;
const INITIAL_WORD = /^\p{Lu}\.?$/u;
// A name after a question for it or a word that introduces one: "What's your last name? Arcuri",
// "named him Frank", "Dear Warrane", "Directed By: …".
const AFTER_CUE = new RegExp(
  `(?:\\bname\\?|\\bnamed (?:him|her|them)|\\bcalled|\\bDear|\\b[Dd]irected [Bb]y:|\\b[Pp]roducer|\\b[Ss]ongwriter|\\b[Ss]inger|\\b[Aa]uthor)\\s+(?<value>${CAP}(?: (?:\\p{Lu}\\. )?${CAP}){0,2})(?![\\p{L}])`,
  'gdu',
);
const BEFORE_POSITION = new RegExp(
  `(?:^|[.!?\\n]\\s*|(?:User|Customer|Client|Caller|From|Account holder|Name):\\s*)(?<value>${CAP} ${CAP})(?=\\s+(?:here|speaking|calling|will|wants|needs|has|asked|called|would like)\\b|\\s*[:,]?\\s*[-–—]\\s*account holder)`,
  'gdu',
);
const SURNAME_FIRST = /(?<![\p{L}])(?<value>\p{Lu}{2,}(?:[-' ]\p{Lu}{2,})?, \p{Lu}\p{Ll}+)(?![\p{L}])/dgu;
const MIDDLE_DOT = /\p{Script=Han}{2,4}[·•・]\p{Script=Han}{2,6}/gu;

// Lower-case names after a title or a payee/introduction cue: "mr garcia", "beneficiary olivia mensah".
const LOWER_AFTER_TITLE = /(?<![\p{L}])(?:mr|mrs|ms|miss|dr)\.? (?<value>\p{Ll}{2,}(?:-\p{Ll}{2,})?)(?![\p{L}])/dgu;
const LOWER_AFTER_CUE =
  /(?<![\p{L}])(?:beneficiary|payee|recipient|my name is|name is|this is|i am|i'm|its|it's|name:|to)\s+(?<value>\p{Ll}{2,} \p{Ll}{2,})(?![\p{L}])/dgu;
// One capitalised listed given name ("ask Fatima", "my son George"), not an ordinary word too.
const SINGLE = /(?<![\p{L}'’-])\p{Lu}\p{Ll}+(?![\p{L}'’-]|\s\p{Lu})/gu;
const INITIAL_GAP = /^ \p{Ll}\.? $/u;
const LOWER_WORD = /(?<![\p{L}<_])\p{Ll}{2,}(?:-\p{Ll}{2,})?(?![\p{L}>_])/gu;

const EMPLOYER = /\b(?:work(?:ing|ed)? (?:at|for)|employer|employed (?:by|at)|company)\s$/iu;

/** capitalised runs split at words that are never names ("Connor Nguyen Thanks" → "Connor Nguyen") */
function* nameRuns(text: string): Generator<{ start: number; words: string[] }> {
  for (const m of text.matchAll(SEQUENCE)) {
    let start = m.index;
    let run: string[] = [];
    let runStart = start;
    for (const word of m[0].split(' ')) {
      // (a middle initial "A" is no article, a particle no word of its own)
      if (NOT_NAMES.has(word.toLowerCase()) && !(run.length > 0 && INITIAL_WORD.test(word))) {
        if (run.length >= 2) yield { start: runStart, words: run };
        run = [];
        runStart = start + word.length + 1;
      } else if (/['’]s$/u.test(word)) {
        // A possessive ends the name: "Edi Živković's Cautionary Tales".
        run.push(word.slice(0, -2));
        if (run.length >= 2) yield { start: runStart, words: run };
        run = [];
        runStart = start + word.length + 1;
      } else run.push(word);
      start += word.length + 1;
    }
    if (run.length >= 2) yield { start: runStart, words: run };
  }
}

function findNames({ text, lang }: RecognizerInput): Candidate[] {
  const found: Candidate[] = [];
  const { given, surnames, known } = names();
  if (lang === 'en') {
    for (const run of nameRuns(text)) {
      // "I work at Goldman Sachs": an employer, whatever the lists say.
      if (EMPLOYER.test(text.slice(Math.max(0, run.start - 24), run.start))) continue;
      // A sentence's first word is capitalised whatever it is ("Could Hannah Harrison ring me").
      const lead =
        run.words.length > 2 &&
        known.has((run.words[0] ?? '').toLowerCase()) &&
        !given.has((run.words[0] ?? '').toLowerCase());
      if (lead) {
        run.start += (run.words[0] ?? '').length + 1;
        run.words = run.words.slice(1);
      }
      const words = run.words.map((w) => w.toLowerCase()).filter((w) => !PARTICLE_WORD.test(w));
      const end = run.start + run.words.join(' ').length;
      // "Landerico B Hidalgo": a given name, a middle initial and a surname is a person's shape,
      // whatever else the lexicon says the surname is (a place), unless the first word is ordinary
      const initialled =
        run.words.length === 3 &&
        INITIAL_WORD.test(run.words[1] ?? '') &&
        (given.has(words[0] ?? '') || !known.has(words[0] ?? '')) &&
        !NOT_NAMES.has(words[2] ?? '');
      if (initialled) found.push({ start: run.start, end, score: 0.75 });
      else if (given.has(words[0] ?? '')) found.push({ start: run.start, end, score: 0.7 });
      else if (surnames.has(words.at(-1) ?? '')) found.push({ start: run.start, end, score: 0.6 });
      // Words no dictionary has, in a row ("Calquín Cazares", "Janka M. Szász"): a name from
      // outside the lists more often than anything else.
      else if (
        words.every(
          (w) => /^\p{Ll}\.?$/u.test(w) || given.has(w) || surnames.has(w) || !known.has(w.replace(/['’]s$/u, '')),
        )
      ) {
        found.push({ start: run.start, end, score: 0.6 });
      }
    }
    found.push(...namesByPosition(text));
    for (const m of text.matchAll(SINGLE)) {
      const word = m[0].toLowerCase();
      if (
        given.has(word) &&
        !COMMON_WORDS.has(word) &&
        !NOT_NAMES.has(word) &&
        !surnames.has(word) &&
        !/[@.]$/.test(text.slice(m.index - 1, m.index))
      ) {
        found.push({ start: m.index, end: m.index + m[0].length, score: 0.65 });
      }
    }
    for (const m of text.matchAll(AFTER_CUE)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      // (a name that is an ordinary word too is a name here: "named him Frank")
      const ordinary = (w: string): boolean =>
        known.has(w) && !given.has(w) && !surnames.has(w) && !COMMON_WORDS.has(w);
      if (
        !text
          .slice(start, end)
          .split(' ')
          .some((w) => NOT_NAMES.has(w.toLowerCase()) || ordinary(w.toLowerCase()))
      )
        found.push({ start, end, score: 0.65 });
    }
    for (const m of text.matchAll(BEFORE_POSITION)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      if (
        !text
          .slice(start, end)
          .split(' ')
          .some((w) => NOT_NAMES.has(w.toLowerCase()))
      )
        found.push({ start, end, score: 0.7 });
    }
    // Lower case, a listed given name then: a listed name ("kwame fraser"), a word no dictionary
    // has ("eva kleist"), or a middle initial and a surname ("benjamin a seiler").
    let previous: RegExpMatchArray | undefined;
    for (const m of text.matchAll(LOWER_WORD)) {
      const first = previous?.[0] ?? '';
      const from = (previous?.index ?? 0) + first.length;
      const gap = previous === undefined ? '' : text.slice(from, m.index);
      const last = m[0];
      if (previous !== undefined && given.has(first) && !COMMON_WORDS.has(first) && !NOT_NAMES.has(last)) {
        const listed = surnames.has(last) || given.has(last) || COMMON_WORDS.has(last);
        const unknown = !known.has(last) && last.length >= 3 && !SHORTHAND.has(last);
        if ((gap.length === 1 && (listed || unknown)) || (INITIAL_GAP.test(gap) && (surnames.has(last) || unknown))) {
          found.push({ start: previous.index ?? 0, end: m.index + m[0].length, score: 0.6 });
        }
      }
      previous = m;
    }
    for (const m of text.matchAll(LOWER_AFTER_TITLE)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      const word = text.slice(start, end);
      if (!NOT_NAMES.has(word) && (given.has(word) || surnames.has(word) || !known.has(word)))
        found.push({ start, end, score: 0.7 });
    }
    // After a cue, a listed given name and the word after it unless that is an ordinary word.
    for (const m of text.matchAll(LOWER_AFTER_CUE)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      const [first = '', last = ''] = text.slice(start, end).split(' ');
      if (!given.has(first) || COMMON_WORDS.has(first)) continue;
      const lastIsName = given.has(last) || surnames.has(last) || COMMON_WORDS.has(last) || !known.has(last);
      found.push({ start, end: lastIsName && !NOT_NAMES.has(last) ? end : start + first.length, score: 0.65 });
    }
  }
  if (lang !== 'zh') {
    for (const m of text.matchAll(SURNAME_FIRST)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      const [surname = '', first = ''] = text.slice(start, end).split(', ');
      if (!NOT_NAMES.has(surname.toLowerCase()) && !NOT_NAMES.has(first.toLowerCase()))
        found.push({ start, end, score: 0.7 });
    }
  }
  for (const m of text.matchAll(MIDDLE_DOT)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.75 });
  return found;
}

// The English NLP recognizer asks for the same message's names (to skip parsing them): one run serves both.
const memo = new WeakMap<RecognizerInput, Candidate[]>();
function findNamesOnce(input: RecognizerInput): Candidate[] {
  let found = memo.get(input);
  if (!found) memo.set(input, (found = findNames(input)));
  return found;
}

export const personNames: Recognizer = {
  name: 'person_names',
  entity: 'PERSON',
  find: findNamesOnce,
  warmUp: () => void names(),
  chunkSize: 4000,
};
