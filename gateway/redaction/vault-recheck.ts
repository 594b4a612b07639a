// Vault re-check: every value already in the conversation's vault is looked for again in each new
// turn, whatever the recognizers say this time. Turn 1's "Maria Schmidt" was found after "my name
// is"; turn 3's "again: maria schmidt" has no cue, yet it is the same person. Matching runs on the
// normalised text (NFKC, digits of every script, look-alike letters) and lets separators differ, so
// "4111-1111-1111-1111" finds the card first seen as "4111 1111 1111 1111".
import { normalizeForMatching } from './normalize.ts';
import type { DetectedEntity, EntityType } from './types.ts';
import type { Vault } from './vault.ts';

const DIGIT_TYPES: ReadonlySet<EntityType> = new Set([
  'PHONE',
  'CREDIT_CARD',
  'US_SSN',
  'DE_TAX_ID',
  'NL_BSN',
  'PL_PESEL',
  'BANK_ACCOUNT',
]);
const WORD_TYPES: ReadonlySet<EntityType> = new Set(['PERSON', 'LOCATION', 'ORGANIZATION', 'DATE_OF_BIRTH', 'ADDRESS']);
const SEPARATOR = '[\\s./_()-]{0,3}';
const MIN_CHARS = 2;
const CACHE_LIMIT = 2_000;
const cache = new Map<string, RegExp | null>();

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** the pattern that finds this value again in normalised text, or null when it is too short to look for */
function patternFor(type: EntityType, value: string): RegExp | null {
  const key = `${type}\u0000${value}`;
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const normal = normalizeForMatching(value).text.trim();
  let pattern: RegExp | null = null;
  if (DIGIT_TYPES.has(type)) {
    const digits = normal.replace(/\D/g, '');
    // A phone or card is looked for by its digits with any separators between them.
    if (digits.length >= 6) pattern = new RegExp(`(?<!\\d)${[...digits].join(SEPARATOR)}(?!\\d)`, 'g');
  } else if (WORD_TYPES.has(type)) {
    const words = normal.split(/\s+/u).filter((w) => w !== '');
    const chars = words.join('').length;
    const han = /\p{Script=Han}/u.test(normal);
    if (chars >= MIN_CHARS) {
      const body = words.map(escape).join('[\\s·.,-]{1,3}');
      // One Latin word alone ("May", "Will") keeps its case; two or more match in any case.
      const flags = words.length > 1 || han ? 'giu' : 'gu';
      pattern = han ? new RegExp(body, flags) : new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, flags);
    }
  } else {
    const chars = normal.replace(/[^\p{L}\p{N}@.]/gu, '');
    if (chars.length >= 4) {
      const body = [...chars].map(escape).join(type === 'EMAIL' || type === 'IP_ADDRESS' ? '' : SEPARATOR);
      // Edges are ASCII: a value glued to Chinese text (发给a@b.cn，) is still found.
      pattern = new RegExp(`(?<![A-Za-z0-9])${body}(?![A-Za-z0-9])`, 'giu');
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, pattern);
  return pattern;
}

/** The mask a visitor was shown (4111 11** **** 1111) comes back in the conversation's history:
 *  it goes to the model as its placeholder too, never as a partial value. */
function shownPattern(shown: string): RegExp | null {
  const normal = normalizeForMatching(shown).text.trim();
  return normal.length >= 4 ? new RegExp(escape(normal), 'g') : null;
}

/** every occurrence of a vault value in `text` (offsets into the original), with the entry's placeholder */
export function findVaultOccurrences(text: string, vault: Vault): (DetectedEntity & { placeholder: string })[] {
  if (vault.size === 0 || text.length === 0) return [];
  const normalized = normalizeForMatching(text);
  const found: (DetectedEntity & { placeholder: string })[] = [];
  for (const entry of vault.values()) {
    const placeholder = vault.peek(entry.type, entry.value);
    if (placeholder === undefined) continue;
    const patterns = [
      patternFor(entry.type, entry.value),
      entry.shown === undefined ? null : shownPattern(entry.shown),
    ];
    for (const pattern of patterns) {
      if (!pattern) continue;
      for (const m of normalized.text.matchAll(pattern)) {
        const span = normalized.toOriginal(m.index, m.index + m[0].length);
        found.push({ type: entry.type, start: span.start, end: span.end, score: 1, recognizer: 'vault', placeholder });
      }
    }
  }
  return found;
}

/** every occurrence of a vault value in `text` (offsets into the original), score 1 */
export function findVaultValues(text: string, vault: Vault): DetectedEntity[] {
  return findVaultOccurrences(text, vault).map(({ placeholder: _, ...entity }) => entity);
}

/** how many characters at the end of `text` could be a vault value still streaming, or one whole
 * ("Maria" of "Maria Schmidt"): a stream holds them back until the next chunk decides */
export function vaultPrefixLength(text: string, vault: Vault, max: number): number {
  if (vault.size === 0 || text.length === 0) return 0;
  const tail = normalizeForMatching(text.slice(-max)).text.toLowerCase();
  let longest = 0;
  for (const entry of vault.values()) {
    const value = normalizeForMatching(entry.value).text.toLowerCase().trim();
    for (let k = Math.min(value.length, tail.length); k > longest; k--) {
      if (tail.endsWith(value.slice(0, k)) && !/[\p{L}\p{N}]/u.test(tail.charAt(tail.length - k - 1))) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}
