import type { Recognizer } from './recognizer.ts';

/** INSEE number: 13 characters + 2-digit key = 97 − (number mod 97); Corsica 2A/2B count as 19/18 */
export function isFrNir(value: string): boolean {
  const nir = value.replace(/\s/g, '').toUpperCase();
  const m = /^([12])(\d{2})(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2[AB])(\d{3})(\d{3})(\d{2})$/.exec(nir);
  if (!m) return false;
  const body = nir.slice(0, 13).replace('2A', '19').replace('2B', '18');
  const key = Number(nir.slice(13));
  return key === 97 - Number(BigInt(body) % 97n);
}

export const frNir: Recognizer = {
  name: 'fr_nir',
  entity: 'FR_NIR',
  patterns: [
    {
      name: 'nir',
      regex: /(?<![A-Za-z0-9])[12] ?\d{2} ?\d{2} ?(?:\d{2}|2[ABab]) ?\d{3} ?\d{3} ?\d{2}(?![A-Za-z0-9])/gu,
      score: 0.5,
    },
  ],
  context: [
    'sécurité sociale',
    'securite sociale',
    'numéro de sécu',
    'sécu',
    'nir',
    'insee',
    'carte vitale',
    'social security',
  ],
  validate: isFrNir,
};
