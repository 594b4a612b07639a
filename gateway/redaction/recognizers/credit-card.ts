import { digitsOf } from './digits.ts';
import { CARD_SHAPE } from './digit-shape.ts';
import type { Recognizer } from './recognizer.ts';

// Issuer prefixes and lengths: a Luhn-valid number of a known network is a card beyond doubt.
const NETWORKS: readonly { name: string; prefix: RegExp; lengths: readonly number[] }[] = [
  { name: 'visa', prefix: /^4/, lengths: [13, 16, 19] },
  { name: 'mastercard', prefix: /^(?:5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] },
  { name: 'amex', prefix: /^3[47]/, lengths: [15] },
  { name: 'unionpay', prefix: /^62/, lengths: [16, 17, 18, 19] },
  { name: 'jcb', prefix: /^(?:35(?:2[89]|[3-8]\d)|2131|1800)/, lengths: [15, 16, 17, 18, 19] },
  { name: 'discover', prefix: /^(?:6011|64[4-9]|65)/, lengths: [16, 19] },
  { name: 'diners', prefix: /^(?:30[0-5]|36|38)/, lengths: [14] },
  { name: 'maestro', prefix: /^(?:5[06-9]|6[0-9])/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] },
];

export const CARD_MIN_DIGITS = 12;
export const CARD_MAX_DIGITS = 19;

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

/** Luhn-valid and of a known network's prefix and length */
export function isCardNumber(value: string): boolean {
  const digits = digitsOf(value);
  const network = NETWORKS.find((n) => n.prefix.test(digits) && n.lengths.includes(digits.length));
  return network !== undefined && luhn(digits);
}

/**
 * The score of a card-shaped run (12–19 digits): a known network's Luhn-valid number is certain;
 * any other Luhn-valid run is likely a card (recall wins for cards); a failed check leaves too
 * little to pass alone, but enough after a word such as "card" or "卡号" (a typo in a card number is
 * still a card number).
 */
export function cardScore(value: string): number | false {
  const digits = digitsOf(value);
  if (digits.length < CARD_MIN_DIGITS || digits.length > CARD_MAX_DIGITS || /^(\d)\1+$/.test(digits)) return false;
  if (isCardNumber(digits)) return 1;
  return luhn(digits) ? 0.6 : 0.2;
}

export const creditCard: Recognizer = {
  name: 'credit_card',
  entity: 'CREDIT_CARD',
  patterns: [{ name: 'card-shaped', regex: CARD_SHAPE, score: 0.3 }],
  context: [
    'card',
    'credit',
    'debit',
    'visa',
    'mastercard',
    'amex',
    'maestro',
    'jcb',
    'unionpay',
    'karte',
    'kreditkarte',
    'carte',
    'tarjeta',
    'carta',
    'kaart',
    'karta',
    '卡号',
    '信用卡',
    '银行卡',
    '卡',
  ],
  // Bearer codes of shops, not anyone's card (a gift card's number is not a payment card's).
  antiContext: [
    'gift card',
    'gift-card',
    'giftcard',
    'voucher',
    'coupon',
    'promo code',
    'redeem',
    'geschenkkarte',
    'gutschein',
    'carte cadeau',
    'tarjeta regalo',
    'cadeaukaart',
    '礼品卡',
    '券码',
    '兑换码',
    '购物卡',
  ],
  contextWindow: { before: 40, after: 16 },
  validate: cardScore,
};
