import nlp from 'compromise';
import { z } from 'zod';
import { names } from './name-lists.ts';
import { scanNames, warmUpNameWindows } from './name-windows.ts';
import { personIntro } from './person-intro.ts';
import { personNames } from './person-names.ts';
import type { Candidate, RecognizerInput } from './recognizer.ts';

export interface EnglishEntities {
  people: Candidate[];
  places: Candidate[];
  organizations: Candidate[];
}

// Banking acronyms compromise tags as organisations ("the BIC is ..."), and public bodies that are
// no one's personal data ("a transfer to the EU").
const NOT_ORGANIZATIONS = new Set([
  'BIC',
  'IBAN',
  'SWIFT',
  'SSN',
  'DOB',
  'PIN',
  'ATM',
  'CVV',
  'SEPA',
  'ACH',
  'NI',
  'ID',
  'IP',
  'OTP',
  'IOS',
  'APP',
  'EU',
  'UN',
  'UK',
  'US',
  'USA',
  'HMRC',
  'IRS',
  'NHS',
]);

const Terms = z.array(
  z.object({
    terms: z.array(
      z.object({ tags: z.array(z.string()), offset: z.object({ start: z.number(), length: z.number() }) }),
    ),
  }),
);
// Chat shorthand compromise reads as a name ("... pls block it ty").
const NOT_PEOPLE = new Set([
  'ty',
  'thx',
  'tx',
  'pls',
  'plz',
  'np',
  'ok',
  'lol',
  'brb',
  'asap',
  'btw',
  'fyi',
  'imo',
  'cheers',
]);
type Category = keyof EnglishEntities;
const SCORES: Record<Category, number> = { people: 0.85, places: 0.7, organizations: 0.7 };

// One compromise parse serves the PERSON, LOCATION and ORGANIZATION recognizers of the same message.
const parsed = new WeakMap<RecognizerInput, EnglishEntities>();

/** compromise builds its lexicon on the first parse; do it before the first message */
export function warmUpEnglish(): void {
  nlp('Warm up John Smith in Boston.').match('#Person+').json({ offset: true });
  warmUpNameWindows();
}

function categoryOf(tags: readonly string[]): Category | null {
  if (tags.includes('Person')) return 'people';
  if (tags.includes('Organization')) return 'organizations';
  if (tags.includes('Place')) return 'places';
  return null;
}

/** one match over all three tags (a third of the cost of people()/places()/organizations()), then
 * consecutive terms of the same category become one span; only the windows that could hold a name
 * are parsed (see nameWindows) */
export function englishEntities(input: RecognizerInput): EnglishEntities {
  const cached = parsed.get(input);
  if (cached) return cached;
  const result: EnglishEntities = { people: [], places: [], organizations: [] };
  const scan = scanNames(input.text, foundWithoutNlp(input));
  for (const place of scan.places) {
    const span = trimSpan(input.text, place.start, place.end, SCORES[place.category]);
    const word = span ? input.text.slice(span.start, span.end) : '';
    if (span && !(place.category === 'organizations' && NOT_ORGANIZATIONS.has(word.toUpperCase())))
      result[givenName(word, place.category) ? 'people' : place.category].push(span);
  }
  for (const window of scan.windows) {
    const text = input.text.slice(window.start, window.end);
    const matches = Terms.parse(
      nlp(text)
        .match('(#Person|#Place|#Organization)+')
        .json({ offset: true, terms: { offset: true } }),
    );
    for (const match of matches) collect(input.text, window.start, match.terms, result);
  }
  parsed.set(input, result);
  return result;
}

/** a lone word the lexicon lists as a given name, which compromise or the scan made a place after
 * "to" or "from" ("said Felix to Linda"): a person */
function givenName(word: string, category: Category): boolean {
  return category === 'places' && /^\p{L}+$/u.test(word) && names().given.has(word.toLowerCase());
}

/** names the cue- and list-based recognizers find: no reason to parse them again */
function foundWithoutNlp(input: RecognizerInput): Candidate[] {
  const found = personNames.find?.(input);
  const spans: Candidate[] = Array.isArray(found) ? [...found] : [];
  for (const pattern of personIntro.patterns ?? []) {
    for (const m of input.text.matchAll(pattern.regex)) {
      const [start, end] = m.indices?.groups?.['value'] ?? [m.index, m.index + m[0].length];
      spans.push({ start, end, score: pattern.score });
    }
  }
  return spans;
}

function collect(
  text: string,
  offset: number,
  terms: z.infer<typeof Terms>[number]['terms'],
  result: EnglishEntities,
): void {
  let run: { category: Category; start: number; end: number } | null = null;
  const flush = (): void => {
    if (!run) return;
    const span = trimSpan(text, run.start, run.end, SCORES[run.category]);
    const word = span ? text.slice(span.start, span.end).toUpperCase() : '';
    // A word glued to a number by a dash is the head of a code (ORD-2023-286677), not a name.
    const code = span !== null && /^-?\d/.test(text.slice(span.end, span.end + 2));
    const excluded =
      code ||
      (run.category === 'organizations' && NOT_ORGANIZATIONS.has(word)) ||
      (run.category === 'people' && NOT_PEOPLE.has(word.toLowerCase()));
    if (span && !excluded) result[givenName(word, run.category) ? 'people' : run.category].push(span);
    run = null;
  };
  for (const term of terms) {
    const category = categoryOf(term.tags);
    const start = term.offset.start + offset;
    const end = start + term.offset.length;
    // A comma or a line break ends a run: "Amy, Nathaniel, Donald" are three people.
    if (run !== null && category === run.category && !/[,;\n]/.test(text.slice(run.end, start))) run.end = end;
    else {
      flush();
      if (category) run = { category, start, end };
    }
  }
  flush();
}

// compromise includes trailing punctuation and possessives ("Boston.", "Sarah's") in its spans.
function trimSpan(text: string, start: number, end: number, score: number): Candidate | null {
  let e = end;
  while (e > start && /[^\p{L}\p{N}]/u.test(text[e - 1] ?? '')) e--;
  if (/['’]s$/iu.test(text.slice(start, e))) e -= 2;
  let s = start;
  while (s < e && /[^\p{L}\p{N}]/u.test(text[s] ?? '')) s++;
  return e > s ? { start: s, end: e, score } : null;
}
