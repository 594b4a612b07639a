// Shape first, validate to score: the separators people put between digit groups. A customer types
// a card as 5555.5555.5555.4444, 4111/1111/1111/1111, 55 55 55 … or 5555 5555-5555 4444; every
// recognizer of a numeric identifier takes a run of digit groups with any of these between them,
// and lets its checksum (or the lack of one) decide the score, never the separator.

/** one separator between digit groups: space, dot, dash, slash or underscore, at most two of them ("- ") */
export const SEP = '[ ./_-]{1,2}';
/** zero to two separators */
export const SEP_OPT = '[ ./_-]{0,2}';

/**
 * Digit runs of 12–19 digits: groups of 1–6 with separators, or one unbroken run. Not glued to a
 * letter, digit, '+' (a phone's country code) or a decimal point before it, nor the tail of an
 * IBAN-shaped value (GB02 LOYD 6968 …).
 */
export const CARD_SHAPE = new RegExp(
  `(?<![A-Za-z\\d+.,])(?<![A-Za-z]{2}\\d{2}[ ._-]?[A-Za-z0-9]{4}[ ._-]?)(?:\\d{1,6}(?:${SEP}\\d{1,6}){1,9}|\\d{12,19})(?![\\d]|[.,/-]\\d)`,
  'gu',
);

/** the separators of a shaped value, for checks that want a consistent grouping */
export function separatorsOf(value: string): string[] {
  return value.match(/[^0-9A-Za-z]+/g) ?? [];
}
