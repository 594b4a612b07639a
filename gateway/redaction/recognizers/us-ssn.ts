import type { Recognizer } from './recognizer.ts';

// Numbers the SSA never issues or that circulate as examples (Woolworth's wallet card, 123-45-6789).
const KNOWN_INVALID = new Set(['078051120', '219099999', '123456789', '457555462']);

/** SSA rules: area not 000, 666 or 9xx; group not 00; serial not 0000 */
export function isValidSsn(value: string): boolean {
  const digits = value.replace(/\D/g, '');
  if (digits.length !== 9 || KNOWN_INVALID.has(digits)) return false;
  const area = digits.slice(0, 3);
  return (
    area !== '000' && area !== '666' && area[0] !== '9' && digits.slice(3, 5) !== '00' && digits.slice(5) !== '0000'
  );
}

export const usSsn: Recognizer = {
  name: 'us_ssn',
  entity: 'US_SSN',
  patterns: [
    { name: 'dashed', regex: /(?<![\d-])\d{3}([- ./])\d{2}\1\d{4}(?![\d-])/g, score: 0.6 },
    // Nine bare digits are as often an order number: they need a context word to pass.
    { name: 'plain', regex: /(?<!\d)\d{9}(?!\d)/g, score: 0.3 },
  ],
  context: ['ssn', 'social security', 'social security number', 'soc sec', 'ss#', 'ss #', 'taxpayer'],
  contextBoost: 0.35,
  validate: (value) => isValidSsn(value) && (/[- ./]/.test(value) ? 0.6 : 0.3),
};
