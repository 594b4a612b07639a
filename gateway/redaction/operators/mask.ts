// Masks keep the value's shape (separators, length) so a human can recognise "their" card or
// phone, while revealing at most what PCI DSS allows for a card: the first 6 and last 4 digits.
import type { EntityType } from '../types.ts';
import type { Operator } from './operator.ts';

const MASK = '*';
// Any decimal digit: a full-width card number (４１１１…) must be masked like an ASCII one.
const isDigit = (ch: string): boolean => /\p{Nd}/u.test(ch);
const isAlnum = (ch: string): boolean => /[\p{L}\p{N}]/u.test(ch);

/** Masks chars selected by `counts`, except the first `keepFirst` and last `keepLast` of them. */
function maskCounted(value: string, counts: (ch: string) => boolean, keepFirst: number, keepLast: number): string {
  const chars = [...value];
  const total = chars.filter(counts).length;
  let seen = 0;
  return chars
    .map((ch) => {
      if (!counts(ch)) return ch;
      seen += 1;
      return seen <= keepFirst || seen > total - keepLast ? ch : MASK;
    })
    .join('');
}

// First 6 only when at least 3 digits stay hidden beside the last 4 (13+ digit cards).
const card = (v: string): string => {
  const digits = [...v].filter(isDigit).length;
  if (digits >= 13) return maskCounted(v, isDigit, 6, 4);
  return maskCounted(v, isDigit, 0, digits >= 8 ? 4 : 0);
};

// Country code (2 letters) and last 4 stay: enough to say "your GB account ending 5432".
const iban = (v: string): string => {
  const total = [...v].filter(isAlnum).length;
  return total >= 12 ? maskCounted(v, isAlnum, 2, 4) : maskCounted(v, isAlnum, 0, 0);
};

const email = (v: string): string => {
  const at = v.lastIndexOf('@');
  if (at <= 0) return maskCounted(v, isAlnum, 0, 0);
  // Fixed-length stars: the local part's length is itself a hint about the person.
  return `${[...v.slice(0, at)][0] ?? ''}***${v.slice(at)}`;
};

const phone = (v: string): string => {
  const digits = [...v].filter(isDigit).length;
  return maskCounted(v, isDigit, 0, digits >= 7 ? 2 : 0);
};

// "Alice Smith" → "A**** S****", "张伟" → "张*": initials stay, as on Chinese receipts.
const name = (v: string): string =>
  v
    .split(/(\s+)/u)
    .map((word) => (/^\s+$/u.test(word) ? word : maskCounted(word, isAlnum, 1, 0)))
    .join('');

// National ids: last 4 only when at least 4 others stay hidden ("***-**-6789").
const identifier = (v: string): string => {
  const total = [...v].filter(isAlnum).length;
  return maskCounted(v, isAlnum, 0, total >= 8 ? 4 : 0);
};

const everything = (v: string): string => maskCounted(v, isAlnum, 0, 0);

const masks = {
  EMAIL: email,
  PHONE: phone,
  CREDIT_CARD: card,
  IBAN: iban,
  BIC: everything,
  BANK_ACCOUNT: identifier,
  PASSPORT: everything,
  US_SSN: identifier,
  CN_RESIDENT_ID: identifier,
  UK_NINO: everything,
  DE_TAX_ID: identifier,
  FR_NIR: identifier,
  NL_BSN: everything,
  ES_NIF: everything,
  IT_FISCAL_CODE: everything,
  PL_PESEL: identifier,
  IP_ADDRESS: everything,
  DATE_OF_BIRTH: everything,
  PERSON: name,
  ADDRESS: everything,
  LOCATION: name,
  ORGANIZATION: name,
} satisfies Record<EntityType, (value: string) => string>;

export const mask: Operator = ({ type, value }) => masks[type](value);
