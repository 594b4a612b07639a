import { isPlausibleBirthDate } from './dates.ts';
import type { Recognizer } from './recognizer.ts';

const WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];

/** YYMMDD with the century folded into the month (+80 1800s, +0 1900s, +20 2000s), weighted check digit */
export function isPlPesel(value: string): boolean {
  const digits = value.replace(/\s/g, '');
  if (!/^\d{11}$/.test(digits)) return false;
  const yy = Number(digits.slice(0, 2));
  const mm = Number(digits.slice(2, 4));
  const dd = Number(digits.slice(4, 6));
  const century = mm > 80 ? 1800 : mm > 60 ? 2200 : mm > 40 ? 2100 : mm > 20 ? 2000 : 1900;
  if (!isPlausibleBirthDate(century + yy, mm % 20, dd)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) sum += (digits.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return (10 - (sum % 10)) % 10 === Number(digits[10]);
}

export const plPesel: Recognizer = {
  name: 'pl_pesel',
  entity: 'PL_PESEL',
  patterns: [{ name: 'pesel', regex: /(?<!\d)\d{11}(?!\d)/g, score: 0.4 }],
  context: ['pesel', 'numer pesel', 'nr pesel'],
  validate: (value, input) => isPlPesel(value) && (input.lang === 'pl' ? 0.7 : 0.6),
};
