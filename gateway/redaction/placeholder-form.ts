// The forms in which a placeholder comes back from a model: exact `<PERSON_1>`, tokenizer-mangled
// `< PERSON_1 >`, `<person_1>`, HTML-escaped `&lt;PERSON_1&gt;`, and bare `PERSON_1`.
// Both batch and streaming rehydration use this one grammar, so they cannot disagree.
import { MAX_PLACEHOLDER_DIGITS } from './placeholder.ts';
import { ENTITY_TYPES } from './types.ts';

const TYPES_LONGEST_FIRST = [...ENTITY_TYPES].sort((a, b) => b.length - a.length);
const TYPE_ALT = TYPES_LONGEST_FIRST.join('|');
const INDEX = `[1-9]\\d{0,${MAX_PLACEHOLDER_DIGITS - 1}}`;
const MAX_SPACES = 2;
const SPACE = `[ \\t]{0,${MAX_SPACES}}`;
const OPEN = '&lt;';
const CLOSE = '&gt;';

/** Groups: 1,2 = bracketed type/index (any case); 3,4 = bare type/index (restored only if upper case). */
export const PLACEHOLDER_FORM = new RegExp(
  `(?:<|${OPEN})${SPACE}(${TYPE_ALT})_(${INDEX})${SPACE}(?:>|${CLOSE})` +
    `|(?<![A-Za-z0-9_])(${TYPE_ALT})_(${INDEX})(?![A-Za-z0-9_])`,
  'gi',
);

/** The longest text any form can span: what a stream rehydrator may need to hold back. */
export const MAX_FORM_LENGTH =
  OPEN.length +
  MAX_SPACES +
  (TYPES_LONGEST_FIRST[0]?.length ?? 0) +
  1 +
  MAX_PLACEHOLDER_DIGITS +
  MAX_SPACES +
  CLOSE.length;

const isWordChar = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9_]/.test(ch);
const isSpace = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';
const indexPrefix = new RegExp(`^(?:${INDEX})?$`);
const indexComplete = new RegExp(`^${INDEX}$`);

/** `body` is TYPE_N so far, possibly incomplete (N may still grow). Case as given. */
function bodyCouldGrow(body: string): boolean {
  return TYPES_LONGEST_FIRST.some((t) =>
    body.length <= t.length
      ? `${t}_`.startsWith(body)
      : body.startsWith(`${t}_`) && indexPrefix.test(body.slice(t.length + 1)),
  );
}

function bodyComplete(body: string): boolean {
  return TYPES_LONGEST_FIRST.some((t) => body.startsWith(`${t}_`) && indexComplete.test(body.slice(t.length + 1)));
}

function skipSpaces(s: string, from: number): number {
  let at = from;
  while (at < s.length && at - from < MAX_SPACES && isSpace(s[at])) at += 1;
  return at;
}

/** Where the bracket opener ends, 'partial' if s is only a prefix of one, undefined if none. */
function openerEnd(s: string): number | 'partial' | undefined {
  if (s.startsWith('<')) return 1;
  const head = s.slice(0, OPEN.length).toLowerCase();
  if (head === OPEN) return OPEN.length;
  return s.length < OPEN.length && OPEN.startsWith(head) ? 'partial' : undefined;
}

/**
 * True when `tail` (which runs to the end of what has arrived so far) could still become a
 * placeholder form with more input, or could still change meaning (a bare index gaining digits).
 * `previous` is the character just before the tail, for the bare form's word boundary.
 */
export function couldBecomeForm(tail: string, previous: string | undefined): boolean {
  const first = tail[0];
  if (first === undefined) return false;
  if (first === '<' || first === '&') {
    const opened = openerEnd(tail);
    if (opened === 'partial') return true;
    if (opened === undefined) return false;
    let at = skipSpaces(tail, opened);
    if (at === tail.length) return true;
    const body = /^[A-Za-z0-9_]*/.exec(tail.slice(at))?.[0] ?? '';
    const upper = body.toUpperCase();
    if (at + body.length === tail.length) return bodyCouldGrow(upper);
    if (!bodyComplete(upper)) return false;
    at = skipSpaces(tail, at + body.length);
    if (at === tail.length) return true;
    const rest = tail.slice(at).toLowerCase();
    // a complete closer means the form is whole: batch rehydration can take it as it is.
    return rest.length < CLOSE.length && CLOSE.startsWith(rest);
  }
  if (first >= 'A' && first <= 'Z' && !isWordChar(previous)) {
    const body = /^[A-Za-z0-9_]*/.exec(tail)?.[0] ?? '';
    return body.length === tail.length && bodyCouldGrow(body);
  }
  return false;
}
