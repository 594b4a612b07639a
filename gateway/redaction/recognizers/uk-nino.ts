import type { Recognizer } from './recognizer.ts';

// HMRC never issues these prefixes; D, F, I, Q, U, V are not used as either prefix letter.
const INVALID_PREFIXES = new Set(['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ']);

export function isUkNino(value: string): boolean {
  const nino = value.replace(/\s/g, '').toUpperCase();
  if (!/^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/.test(nino)) return false;
  return !INVALID_PREFIXES.has(nino.slice(0, 2));
}

export const ukNino: Recognizer = {
  name: 'uk_nino',
  entity: 'UK_NINO',
  patterns: [
    {
      name: 'nino',
      regex: /(?<![A-Za-z0-9])[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![A-Za-z0-9])/gu,
      score: 0.6,
    },
  ],
  context: ['national insurance', 'ni number', 'nino', 'ni no', 'insurance number'],
  validate: (value) => isUkNino(value) && 0.7,
};
