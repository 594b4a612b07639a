import type { Recognizer } from './recognizer.ts';

/** ISO 7064 MOD 11,10 over the first ten digits gives the eleventh */
export function iso7064Mod1110(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

/** Steuer-IdNr: 11 digits, no leading 0, in the first ten exactly one digit repeats (2 or 3 times) */
export function isDeTaxId(value: string): boolean {
  const digits = value.replace(/[\s/]/g, '');
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  const counts = new Map<string, number>();
  for (const d of digits.slice(0, 10)) counts.set(d, (counts.get(d) ?? 0) + 1);
  const repeated = [...counts.values()].filter((c) => c > 1);
  if (repeated.length !== 1 || (repeated[0] ?? 0) > 3) return false;
  return iso7064Mod1110(digits.slice(0, 10)) === Number(digits[10]);
}

export const deTaxId: Recognizer = {
  name: 'de_tax_id',
  entity: 'DE_TAX_ID',
  patterns: [
    { name: 'plain', regex: /(?<!\d)[1-9]\d{10}(?!\d)/g, score: 0.4 },
    // The way it is printed on the letter from the Bundeszentralamt: 12 345 678 901.
    { name: 'grouped', regex: /(?<!\d ?)[1-9]\d ?\d{3} ?\d{3} ?\d{3}(?![\d])/g, score: 0.4 },
  ],
  context: [
    'steuer-id',
    'steuerid',
    'steuer id',
    'steueridentifikationsnummer',
    'identifikationsnummer',
    'idnr',
    'id-nr',
    'tax id',
    'tin',
    'steuernummer',
  ],
  validate: (value) => isDeTaxId(value) && 0.6,
};
