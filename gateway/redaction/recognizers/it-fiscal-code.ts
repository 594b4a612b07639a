import type { Recognizer } from './recognizer.ts';

// Odd-position values of the check-character algorithm (DM 23/12/1976), indexed by digit or letter.
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
// Omocodia: when codes collide, digits are replaced by these letters (0→L … 9→V).
const OMOCODE = 'LMNPQRSTUV';

function charValue(ch: string): number {
  const code = ch.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

export function isItFiscalCode(value: string): boolean {
  const cf = value.toUpperCase();
  const d = `[0-9${OMOCODE}]`;
  const shape = new RegExp(`^[A-Z]{6}${d}{2}[ABCDEHLMPRST]${d}{2}[A-Z]${d}{3}[A-Z]$`);
  if (!shape.test(cf)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const v = charValue(cf[i] ?? 'A');
    sum += i % 2 === 0 ? (ODD[v] ?? 0) : v;
  }
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

export const itFiscalCode: Recognizer = {
  name: 'it_fiscal_code',
  entity: 'IT_FISCAL_CODE',
  patterns: [
    {
      name: 'codice-fiscale',
      regex:
        /(?<![A-Za-z0-9])[A-Za-z]{6}[0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][0-9LMNPQRSTUVlmnpqrstuv]{3}[A-Za-z](?![A-Za-z0-9])/gu,
      score: 0.5,
    },
  ],
  context: ['codice fiscale', 'cf', 'fiscal code', 'tessera sanitaria'],
  validate: isItFiscalCode,
};
