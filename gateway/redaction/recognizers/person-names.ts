// Names without a cue phrase: "Priya Raghunathan will call the branch", "Oona Halvorsen here",
// "MWANGI, Achieng — account holder", "阿依古丽·买买提". Three signals, each enough alone:
// a capitalised sequence whose first word is a known given name (compromise's lexicon of about
// 3,000 given names across cultures, plus the common ones it lacks) or whose last is a known
// surname; a position only a name takes (before "here", "speaking", "will call"); and the
// "SURNAME, Given" order of forms and bank records. Names joined by a middle dot (·) are
// transliterated foreign names in Chinese text.
import nlp from 'compromise';
import type { Candidate, Recognizer, RecognizerInput } from './recognizer.ts';

// Common given names of South Asia, Africa, East Asia (romanised) and the Nordics that the lexicon lacks.
const EXTRA_GIVEN = (
  'priya pooja anjali deepa divya kavya lakshmi meera nisha rani sunita aarti rahul rohan vikram arjun sanjay suresh ramesh rajesh amit anil vijay ' +
  'kwame kofi kojo ama abena akosua yaw chidi chinedu chioma ngozi emeka obinna adaeze achieng akinyi wanjiru njeri otieno kamau mwangi tendai ' +
  'tatenda farai chipo thabo sipho lindiwe zanele nomvula bongani hyun jiwoo minjun seojun jisoo haruto yuki hiroshi takeshi akira kenji sakura ' +
  'xiaoming xiaoli jing ying lei hao oona sigrid astrid ingrid solveig freya eero aino tuomas jukka'
).split(' ');
// Capitalised words that start sentences or name things, never people.
const NOT_NAMES = new Set(
  ('the this that these those my our your his her their a an i we you he she it they hello hi hey dear thanks thank please ' +
    'customer service support bank card account credit debit online mobile app team branch manager user client caller agent ' +
    'monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december ' +
    'urgent asap atm pin iban bic swift sepa visa mastercard amex paypal apple google street road avenue lane new old north south east west').split(' '),
);

let lists: { given: Set<string>; surnames: Set<string> } | undefined;
function names(): { given: Set<string>; surnames: Set<string> } {
  if (lists) return lists;
  const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon;
  const given = new Set(EXTRA_GIVEN);
  const surnames = new Set<string>();
  for (const [word, tags] of Object.entries(lexicon)) {
    const tag = String(tags);
    if (/FirstName|MaleName|FemaleName/.test(tag) && !NOT_NAMES.has(word)) given.add(word);
    if (/LastName/.test(tag) && !NOT_NAMES.has(word)) surnames.add(word);
  }
  lists = { given, surnames };
  return lists;
}

const CAP = "\\p{Lu}[\\p{Ll}'’]+(?:-\\p{Lu}[\\p{Ll}]+)?";
const SEQUENCE = new RegExp(`(?<![\\p{L}])${CAP}(?: ${CAP}){1,2}(?![\\p{L}])`, 'gu');
const BEFORE_POSITION = new RegExp(
  `(?:^|[.!?\\n]\\s*|(?:User|Customer|Client|Caller|From|Account holder|Name):\\s*)(?<value>${CAP} ${CAP})(?=\\s+(?:here|speaking|calling|will|wants|needs|has|asked|called|would like)\\b|\\s*[:,]?\\s*[-–—]\\s*account holder)`,
  'gdu',
);
const SURNAME_FIRST = /(?<![\p{L}])(?<value>\p{Lu}{2,}(?:[-' ]\p{Lu}{2,})?, \p{Lu}\p{Ll}+)(?![\p{L}])/gdu;
const MIDDLE_DOT = /\p{Script=Han}{2,4}[·•・]\p{Script=Han}{2,6}/gu;

function findNames({ text, lang }: RecognizerInput): Candidate[] {
  const found: Candidate[] = [];
  const { given, surnames } = names();
  if (lang === 'en') {
    for (const m of text.matchAll(SEQUENCE)) {
      const words = m[0].split(' ').map((w) => w.toLowerCase());
      if (words.some((w) => NOT_NAMES.has(w))) continue;
      const first = words[0] ?? '';
      const last = words.at(-1) ?? '';
      if (given.has(first)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.7 });
      else if (surnames.has(last)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.6 });
    }
    for (const m of text.matchAll(BEFORE_POSITION)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      if (!text.slice(start, end).split(' ').some((w) => NOT_NAMES.has(w.toLowerCase()))) found.push({ start, end, score: 0.7 });
    }
  }
  if (lang !== 'zh') {
    for (const m of text.matchAll(SURNAME_FIRST)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      const [surname = '', first = ''] = text.slice(start, end).split(', ');
      if (!NOT_NAMES.has(surname.toLowerCase()) && !NOT_NAMES.has(first.toLowerCase())) found.push({ start, end, score: 0.7 });
    }
  }
  for (const m of text.matchAll(MIDDLE_DOT)) found.push({ start: m.index, end: m.index + m[0].length, score: 0.75 });
  return found;
}

export const personNames: Recognizer = {
  name: 'person_names',
  entity: 'PERSON',
  find: findNames,
  warmUp: () => void names(),
  chunkSize: 4000,
};
