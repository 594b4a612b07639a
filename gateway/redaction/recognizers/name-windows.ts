// Where compromise needs to look. Parsing costs ~0.3 ms per 50 characters whether or not the text
// names anyone, and most chat names no one, or names someone the cheap recognizers already found
// ("my name is Daniel Martinez": a cue; "Priya Raghunathan will call": a listed given name). So
// only windows around words that could start a name nobody has found yet are parsed:
// - a capitalised word compromise's lexicon tags as a person's name or an honorific ("Grace", "Mr");
// - a capitalised word it does not know ("Okafor"), unless written in capitals only (IBAN, ABNA)
//   or glued to digits (a code);
// A capitalised word the lexicon knows as a place or an organisation ("Leeds", "Google") is reported
// as one without a parse, and so is an unknown one right after "I work at", "my employer", "I live
// in", "moved from" ("Accenture"); places.ts later keeps those that identify nobody.
// Words inside `covered` (spans the list- and cue-based recognizers found) are no reason to parse.
// A known word capitalised because it starts a sentence, or mid-sentence ("Please", "Transfer"),
// is none either. The window keeps enough words either side for compromise's context rules.
import nlp from 'compromise';
import { z } from 'zod';

const Lexicon = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
const PERSON_TAG = /^(?:Person|FirstName|MaleName|FemaleName|LastName|Honorific)$/;
const PLACE_TAG = /^(?:Place|City|Country|Region)$/;
const WORD = /[\p{L}][\p{L}'’.-]*/gu;
const CAPITAL = /^\p{Lu}/u;
const ALL_CAPS = /^[\p{Lu}\d.'’-]+$/u;
/** characters of context kept either side of a trigger word */
const REACH = 24;
// An unknown capitalised word right after these is an employer (group 1) or a place.
const CUED_PLACE =
  /(?:\b(?:(work(?:ing)? (?:at|for)|employer|employed (?:by|at)|company)|live in|living in|moved (?:from|to)|based in)) $/iu;

interface Lexicons {
  person: ReadonlySet<string>;
  place: ReadonlySet<string>;
  organization: ReadonlySet<string>;
  calendar: ReadonlySet<string>;
  known: ReadonlySet<string>;
}
let lexicons: Lexicons | undefined;

function load(): Lexicons {
  if (lexicons) return lexicons;
  const lexicon = Lexicon.parse((nlp.model() as { one?: { lexicon?: unknown } }).one?.lexicon ?? {});
  const person = new Set<string>();
  const place = new Set<string>();
  const organization = new Set<string>();
  const calendar = new Set<string>(CALENDAR);
  for (const [word, tags] of Object.entries(lexicon)) {
    const list = Array.isArray(tags) ? tags : [tags];
    if (list.some((t) => /^(?:Month|WeekDay|Date)$/.test(t))) calendar.add(word);
    else if (list.some((t) => PERSON_TAG.test(t))) person.add(word);
    else if (list.includes('Organization')) organization.add(word);
    else if (list.some((t) => PLACE_TAG.test(t))) place.add(word);
  }
  lexicons = { person, place, organization, calendar, known: new Set(Object.keys(lexicon)) };
  return lexicons;
}

export function warmUpNameWindows(): void {
  load();
}

const bare = (word: string): string => word.toLowerCase().replace(/['’](?:s|m|d|ll|re|ve|t)$|[.'’-]+$/u, '');
const CALENDAR =
  'january february march april may june july august september october november december monday tuesday wednesday thursday friday saturday sunday'.split(
    ' ',
  );

type Kind = 'name' | 'place' | 'organization' | null;

function kindOf(text: string, start: number, word: string): Kind {
  if (!CAPITAL.test(word)) return null;
  const { person, place, organization, calendar, known } = load();
  const lower = bare(word);
  if (lower.length < 2 || calendar.has(lower)) return null;
  // Part of an e-mail address or a domain (Support@Demo-Bank.example).
  if (
    /[@.]$/.test(text.slice(start - 1, start)) ||
    /^[@.]\p{L}/u.test(text.slice(start + word.length, start + word.length + 2))
  )
    return null;
  if (person.has(lower)) return 'name';
  if (place.has(lower)) return 'place';
  if (organization.has(lower)) return 'organization';
  if (known.has(lower) || ALL_CAPS.test(word)) return null;
  // A word glued to a number by a dash or a slash is the head of a code (ORD-2023).
  return /^[-/]?\d/.test(text.slice(start + word.length, start + word.length + 2)) ? null : 'name';
}

/** the spans found without a parse, indexed so each word's question is answered at once (a
 * hostile message of 30,000 capitalised words has 10,000 of them) */
class Covered {
  private readonly prefix: Uint32Array;
  private readonly starts: Set<number>;
  readonly ends: Set<number>;
  constructor(length: number, spans: readonly { start: number; end: number }[]) {
    const delta = new Int32Array(length + 2);
    for (const s of spans) {
      delta[Math.max(0, s.start)]! += 1;
      delta[Math.min(length, s.end)]! -= 1;
    }
    this.prefix = new Uint32Array(length + 1);
    let depth = 0;
    for (let i = 0; i < length; i++) {
      depth += delta[i]!;
      this.prefix[i + 1] = this.prefix[i]! + (depth > 0 ? 1 : 0);
    }
    this.starts = new Set(spans.map((s) => s.start));
    this.ends = new Set(spans.map((s) => s.end));
  }
  /** every character of [start, end) lies in a found span */
  inside(start: number, end: number): boolean {
    return this.prefix[end]! - this.prefix[start]! === end - start;
  }
  /** a found span starts within two characters after `end` ("Mr. Moore") */
  startsAfter(end: number): boolean {
    return this.starts.has(end) || this.starts.has(end + 1) || this.starts.has(end + 2);
  }
}

/** "from Austin to Houston", "Andrew Taylor from Houston": a name word after a place or a found
 * name and a preposition is a place */
function afterPlace(text: string, start: number, places: readonly KnownPlace[], covered: Covered): boolean {
  const m = /(?:^|\s)(?:from|to|in|at) $/u.exec(text.slice(Math.max(0, start - 6), start));
  if (!m) return false;
  const before = start - m[0].trimStart().length - 1;
  return places.at(-1)?.end === before || covered.ends.has(before);
}

export interface KnownPlace {
  category: 'places' | 'organizations';
  start: number;
  end: number;
}

/** merged [start, end) spans of `text` worth parsing, snapped to word edges; empty when none */
export function nameWindows(
  text: string,
  covered: readonly { start: number; end: number }[] = [],
): { start: number; end: number }[] {
  return scanNames(text, covered).windows;
}

/** the windows to parse, and the places and organisations the lexicon names outright (a place
 * word, or a capitalised word right after "I work at" / "I live in"), which need no parse */
export function scanNames(
  text: string,
  found: readonly { start: number; end: number }[] = [],
): { windows: { start: number; end: number }[]; places: KnownPlace[] } {
  const covered = new Covered(text.length, found);
  const places: KnownPlace[] = [];
  const triggers: { start: number; end: number }[] = [];
  for (const m of text.matchAll(WORD)) {
    const kind = kindOf(text, m.index, m[0]);
    if (kind === null) continue;
    const span = { start: m.index, end: m.index + m[0].length };
    const before = text.slice(Math.max(0, span.start - 24), span.start);
    const cue = kind === 'name' && !covered.inside(span.start, span.end) ? CUED_PLACE.exec(before) : null;
    if (kind === 'place' || kind === 'organization') {
      const last = places.at(-1);
      const category = kind === 'place' ? 'places' : 'organizations';
      if (last && last.category === category && text.slice(last.end, span.start) === ' ') last.end = span.end;
      else places.push({ category, ...span });
    } else if (cue || afterPlace(text, span.start, places, covered)) {
      places.push({ category: cue?.[1] === undefined ? 'places' : 'organizations', ...span });
    } else if (
      places.at(-1)?.end === span.start - 1 &&
      text[span.start - 1] === ' ' &&
      !covered.inside(span.start, span.end)
    ) {
      // the rest of a cued name: "I work at Goldman Sachs"
      (places.at(-1) ?? span).end = span.end;
    } else {
      // A title right before a name already found ("Mr. Moore") adds nothing to parse.
      if (!covered.inside(span.start, span.end) && !covered.startsAfter(span.end)) triggers.push(span);
    }
  }
  const windows: { start: number; end: number }[] = [];
  for (const t of triggers) {
    let start = Math.max(0, t.start - REACH);
    let end = Math.min(text.length, t.end + REACH);
    while (start > 0 && !/\s/.test(text[start - 1] ?? '')) start--;
    while (end < text.length && !/\s/.test(text[end] ?? '')) end++;
    const last = windows.at(-1);
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else windows.push({ start, end });
  }
  return { windows, places };
}
