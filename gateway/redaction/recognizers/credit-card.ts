import { digitsOf } from './digits.ts';
import type { Recognizer } from './recognizer.ts';

// Issuer prefixes and lengths: a Luhn-valid number from no known network is an order code, not a card.
const NETWORKS: readonly { name: string; prefix: RegExp; lengths: readonly number[] }[] = [
  { name: 'visa', prefix: /^4/, lengths: [13, 16, 19] },
  { name: 'mastercard', prefix: /^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] },
  { name: 'amex', prefix: /^3[47]/, lengths: [15] },
  { name: 'unionpay', prefix: /^62/, lengths: [16, 17, 18, 19] },
  { name: 'jcb', prefix: /^35(?:2[89]|[3-8]\d)/, lengths: [16, 17, 18, 19] },
  { name: 'discover', prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 19] },
  { name: 'diners', prefix: /^(?:30[0-5]|36|38)/, lengths: [14] },
];

export function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

export function isCardNumber(value: string): boolean {
  const digits = digitsOf(value);
  const network = NETWORKS.find((n) => n.prefix.test(digits) && n.lengths.includes(digits.length));
  return network !== undefined && luhn(digits);
}

export const creditCard: Recognizer = {
  name: 'credit_card',
  entity: 'CREDIT_CARD',
  patterns: [
    // 4-4-4-4(-3) with one consistent separator (space, dash or none): Visa, Mastercard, UnionPay, ...
    { name: 'groups-of-four', regex: /(?<!\d)\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?(?!\d)/g, score: 0.3 },
    // 4-6-5 (Amex) and 4-6-4 (Diners).
    { name: 'four-six-five', regex: /(?<!\d)\d{4}([ -]?)\d{6}\1\d{4,5}(?!\d)/g, score: 0.3 },
    { name: 'plain', regex: /(?<!\d)\d{13,19}(?!\d)/g, score: 0.3 },
  ],
  context: ['card', 'credit', 'debit', 'visa', 'mastercard', 'amex', 'karte', 'kreditkarte', 'carte', 'tarjeta', 'carta', 'kaart', 'karta', '卡号', '信用卡', '银行卡', '卡'],
  validate: isCardNumber,
};
