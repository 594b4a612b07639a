import type { Recognizer } from './recognizer.ts';

// IBAN length per country (SWIFT IBAN registry): a mod-97-valid string of the wrong length is not an IBAN.
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MR: 27,
  MT: 31,
  MU: 30,
  NL: 18,
  NO: 15,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  SA: 24,
  SC: 31,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
};

/** ISO 13616 check: move the first four characters to the end, letters → 10..35, remainder 1 mod 97 */
export function ibanMod97(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const value = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const digit of value) rest = (rest * 10 + (digit.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/** takes exactly the country's number of characters from the (possibly over-long) match */
export function validateIban(value: string): false | { score: number; keep: number } {
  const country = value.slice(0, 2).toUpperCase();
  const length = IBAN_LENGTHS[country];
  if (length === undefined) return false;
  let iban = '';
  let keep = 0;
  for (; keep < value.length && iban.length < length; keep++) {
    const ch = value[keep] ?? '';
    if (/[0-9A-Za-z]/.test(ch)) iban += ch.toUpperCase();
  }
  // The character right after the IBAN must not continue it (a separator is fine: the rest is a word).
  if (iban.length !== length || /[0-9A-Za-z]/.test(value[keep] ?? '')) return false;
  return ibanMod97(iban) ? { score: 1, keep } : false;
}

export const iban: Recognizer = {
  name: 'iban',
  entity: 'IBAN',
  patterns: [
    {
      name: 'grouped',
      // Any grouping and separator (DE89.3704…, de89 3704 …, NL 2-2-4 groups): the validator takes
      // exactly the country's length from the run, so a word after it is left alone.
      regex: /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ ._\/-]{0,2}[A-Za-z0-9]){10,32}/gu,
      score: 0.4,
    },
    // "NL 39 RABO …": a separator after the country too. A pattern of its own, so a false start
    // ("de 669 euro") cannot swallow the IBAN after it.
    {
      name: 'spaced-country',
      regex: /(?<![A-Za-z0-9])[A-Za-z]{2}[ ._-]{1,2}\d{2}(?:[ ._\/-]{0,2}[A-Za-z0-9]){10,32}/gu,
      score: 0.4,
    },
  ],
  context: ['iban', 'account', 'konto', 'compte', 'cuenta', 'conto', 'rekening', 'rachunek', 'bank', '账户', '账号'],
  validate: validateIban,
};
