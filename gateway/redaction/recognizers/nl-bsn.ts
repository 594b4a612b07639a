import type { Recognizer } from './recognizer.ts';

/** elfproef: 9·d1 + 8·d2 + … + 2·d8 − d9 is a multiple of 11 */
export function isNlBsn(value: string): boolean {
  const digits = value.replace(/[\s.-]/g, '');
  if (!/^\d{9}$/.test(digits) || /^0+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

// One random 9-digit number in eleven passes the check, so a bare BSN needs a context word (or Dutch
// text) before it is reported; an order number in an English chat stays below the threshold.
export const nlBsn: Recognizer = {
  name: 'nl_bsn',
  entity: 'NL_BSN',
  patterns: [
    { name: 'plain', regex: /(?<!\d)\d{9}(?!\d)/g, score: 0.3 },
    { name: 'grouped', regex: /(?<![\d.])\d{4}([. ])\d{2}\1\d{3}(?![\d])/g, score: 0.3 },
  ],
  context: ['bsn', 'burgerservicenummer', 'sofinummer', 'sofi-nummer', 'citizen service number', 'persoonsnummer'],
  contextBoost: 0.4,
  validate: (value, input) => isNlBsn(value) && (input.lang === 'nl' ? 0.5 : 0.3),
};
