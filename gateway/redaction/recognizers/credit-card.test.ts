import { describe } from 'vitest';
import { creditCard } from './credit-card.ts';
import { detects } from './table.ts';

describe('credit card', () => {
  detects(creditCard, [
    { text: 'visa 4111111111111111', found: ['4111111111111111'] },
    { text: 'card 4111 1111 1111 1111 exp 12/27', found: ['4111 1111 1111 1111'] },
    { text: 'mc 5555-5555-5555-4444', found: ['5555-5555-5555-4444'] },
    { text: 'mastercard 2-series 2223 0031 2200 3222', found: ['2223 0031 2200 3222'] },
    { text: 'amex 3782 822463 10005', found: ['3782 822463 10005'] },
    { text: 'amex 371449635398431', found: ['371449635398431'] },
    { text: '银联卡6200000000000005', found: ['6200000000000005'] },
    { text: 'jcb 3530111333300000 and discover 6011111111111117', found: ['3530111333300000', '6011111111111117'] },
    { text: '卡号４１１１　１１１１　１１１１　１１１１', found: ['４１１１　１１１１　１１１１　１１１１'] },
    { text: 'Luhn-invalid 4111 1111 1111 1112', found: [] },
    { text: 'Luhn-valid but no network: 1234567812345670', found: [] },
    { text: 'wrong length for Amex: 3782822463100050', found: [] },
    { text: 'tracking 9400111899223344556677', found: [] },
  ]);
});
