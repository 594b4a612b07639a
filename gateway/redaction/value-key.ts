// The canonical key of a detected value: two surface forms with the same key are the same value
// (one placeholder, one allow-list match); different keys are different values.
import type { EntityType } from './types.ts';

type Canonicaliser = (nfkc: string) => string;

const digitsOnly: Canonicaliser = (s) => s.replace(/\D+/gu, '');
// IBANs, BICs and national ids carry letters that matter (GB82 WEST…, 12345678Z), so keep them.
const alphanumericUpper: Canonicaliser = (s) => s.replace(/[^\p{L}\p{N}]+/gu, '').toUpperCase();
const caseFolded: Canonicaliser = (s) => s.trim().toLowerCase();
// Names are case-folded too: chat visitors type "alice smith" in one turn and "Alice Smith" in the next.
const wordsFolded: Canonicaliser = (s) => s.replace(/\s+/gu, ' ').trim().toLowerCase();

const canonicalisers = {
  EMAIL: caseFolded,
  PHONE: digitsOnly,
  CREDIT_CARD: digitsOnly,
  IBAN: alphanumericUpper,
  BIC: alphanumericUpper,
  BANK_ACCOUNT: alphanumericUpper,
  PASSPORT: alphanumericUpper,
  US_SSN: digitsOnly,
  CN_RESIDENT_ID: alphanumericUpper,
  UK_NINO: alphanumericUpper,
  DE_TAX_ID: digitsOnly,
  FR_NIR: alphanumericUpper,
  NL_BSN: digitsOnly,
  ES_NIF: alphanumericUpper,
  IT_FISCAL_CODE: alphanumericUpper,
  PL_PESEL: digitsOnly,
  IP_ADDRESS: caseFolded,
  DATE_OF_BIRTH: wordsFolded,
  PERSON: wordsFolded,
  ADDRESS: wordsFolded,
  LOCATION: wordsFolded,
  ORGANIZATION: wordsFolded,
} satisfies Record<EntityType, Canonicaliser>;

/** NFKC first, so full-width digits (１３８) and compatibility forms meet their ASCII twins. */
export function canonicalValue(type: EntityType, value: string): string {
  const canonical = canonicalisers[type](value.normalize('NFKC'));
  // A value that canonicalises to nothing (e.g. a "phone" of only separators) keeps its NFKC form,
  // so two such values can never collide on the empty key.
  return canonical === '' ? `\u0000${value.normalize('NFKC')}` : canonical;
}
