import { IBAN_LENGTHS } from './iban.ts';
import { names } from './name-lists.ts';
import type { Recognizer } from './recognizer.ts';

// Countries that issue BICs but no IBANs, so the IBAN table alone would reject them.
const NON_IBAN_COUNTRIES = new Set([
  'US',
  'CN',
  'HK',
  'JP',
  'SG',
  'CA',
  'AU',
  'IN',
  'KR',
  'TW',
  'NZ',
  'ZA',
  'MX',
  'RU',
]);

/** an 8- or 11-character BIC whose country part (characters 5–6) is a real country */
export function isBic(value: string): boolean {
  const country = value.slice(4, 6).toUpperCase();
  return IBAN_LENGTHS[country] !== undefined || NON_IBAN_COUNTRIES.has(country);
}

// Eight capital letters are common in chat ("CUSTOMER", "PASSWORD"): only report a BIC near a word
// that says it is one.
export const bic: Recognizer = {
  name: 'bic',
  entity: 'BIC',
  patterns: [
    { name: 'bic', regex: /(?<![A-Za-z0-9])[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?(?![A-Za-z0-9])/gu, score: 0.5 },
    // typed in lower case, right after the word: "bic deutdeff", "swift: cobadeffxxx"
    {
      name: 'bic-lower',
      regex: /(?<=\b(?:bic|swift)(?:[ -]?code)?[ \t]*[:=]?[ \t]*)[a-z]{6}[a-z0-9]{2}(?:[a-z0-9]{3})?(?![A-Za-z0-9])/gu,
      score: 0.5,
    },
  ],
  context: [
    'bic',
    'swift',
    'bic/swift',
    'swift code',
    'bank code',
    'bankleitzahl',
    'code bic',
    'código swift',
    'codice swift',
    '银行代码',
    'swift代码',
  ],
  contextRequired: true,
  // (a lower-case English word after "bic" is no code: "bic required")
  validate: (value) => (isBic(value) && !(/^[a-z]+$/.test(value) && names().known.has(value)) ? 0.5 : false),
  warmUp: () => void names(),
};
