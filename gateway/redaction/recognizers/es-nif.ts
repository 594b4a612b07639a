import type { Recognizer } from './recognizer.ts';

const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** DNI: 8 digits + letter = LETTERS[n mod 23]; NIE: X/Y/Z (→ 0/1/2) + 7 digits + letter */
export function isEsNif(value: string): boolean {
  const nif = value.replace(/[\s-]/g, '').toUpperCase();
  const m = /^([XYZ]\d{7}|\d{8})([A-Z])$/.exec(nif);
  if (!m || m[1] === undefined) return false;
  const number = Number(m[1].replace('X', '0').replace('Y', '1').replace('Z', '2'));
  return LETTERS[number % 23] === m[2];
}

export const esNif: Recognizer = {
  name: 'es_nif',
  entity: 'ES_NIF',
  patterns: [
    { name: 'dni', regex: /(?<![A-Za-z0-9])\d{8}[ -]?[A-Za-z](?![A-Za-z0-9])/gu, score: 0.5 },
    { name: 'nie', regex: /(?<![A-Za-z0-9])[XYZxyz][ -]?\d{7}[ -]?[A-Za-z](?![A-Za-z0-9])/gu, score: 0.5 },
  ],
  context: ['dni', 'nie', 'nif', 'documento', 'identidad', 'id number'],
  validate: isEsNif,
};
