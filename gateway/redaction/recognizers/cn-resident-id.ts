import { isPlausibleBirthDate } from './dates.ts';
import type { Recognizer } from './recognizer.ts';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';
// First two digits: the province-level division (GB/T 2260); anything else is not an ID.
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
  64, 65, 71, 81, 82, 83, 91,
]);

/** GB 11643: 6-digit region, 8-digit birth date, 3-digit sequence, ISO 7064 mod 11-2 check character */
export function isCnResidentId(value: string): boolean {
  const id = value.replace(/[\s._/-]/g, '').toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id) || !PROVINCES.has(Number(id.slice(0, 2)))) return false;
  if (!isPlausibleBirthDate(Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14)))) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (id.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] === id[17];
}

export const cnResidentId: Recognizer = {
  name: 'cn_resident_id',
  entity: 'CN_RESIDENT_ID',
  patterns: [
    // 18 characters in any grouping (6-8-4, 6-4-4-4) with any separator.
    { name: 'shaped', regex: /(?<![\dA-Za-z])\d(?:[ ._\/-]{0,2}\d){16}[ ._\/-]{0,2}[\dXx](?![\dA-Za-z])/g, score: 0.4 },
  ],
  context: ['身份证', '身份证号', '证件号', 'id card', 'resident id', 'id number'],
  // A failed check: an 18-character ID shape passes only after a word such as 身份证.
  validate: (value) => (isCnResidentId(value) ? 1 : 0.15),
};
