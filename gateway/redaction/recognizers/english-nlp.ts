import nlp from 'compromise';
import { z } from 'zod';
import type { Candidate, RecognizerInput } from './recognizer.ts';

export interface EnglishEntities {
  people: Candidate[];
  places: Candidate[];
  organizations: Candidate[];
}

// Banking acronyms compromise tags as organisations ("the BIC is ...").
const NOT_ORGANIZATIONS = new Set(['BIC', 'IBAN', 'SWIFT', 'SSN', 'DOB', 'PIN', 'ATM', 'CVV', 'SEPA', 'ACH', 'NI', 'ID', 'IP', 'OTP', 'IOS', 'APP']);

const Matches = z.array(z.object({ offset: z.object({ start: z.number(), length: z.number() }) }));

// One compromise parse serves the PERSON, LOCATION and ORGANIZATION recognizers of the same message.
const parsed = new WeakMap<RecognizerInput, EnglishEntities>();

/** compromise builds its lexicon on the first parse; do it before the first message */
export function warmUpEnglish(): void {
  nlp('Warm up John Smith in Boston.').people().json({ offset: true });
}

export function englishEntities(input: RecognizerInput): EnglishEntities {
  const cached = parsed.get(input);
  if (cached) return cached;
  const doc = nlp(input.text);
  const spans = (view: { json(options: object): unknown }, score: number): Candidate[] =>
    Matches.parse(view.json({ offset: true, text: false, terms: false }))
      .map(({ offset }) => trimSpan(input.text, offset.start, offset.start + offset.length, score))
      .filter((c): c is Candidate => c !== null);
  const result = {
    people: spans(doc.people(), 0.85),
    places: spans(doc.places(), 0.7),
    organizations: spans(doc.organizations(), 0.7).filter((c) => !NOT_ORGANIZATIONS.has(input.text.slice(c.start, c.end).toUpperCase())),
  };
  parsed.set(input, result);
  return result;
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
