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
    { text: 'Luhn-invalid, no cue: 4111 1111 1111 1112', found: [] },
    // Shape first: any Luhn-valid run of 12–19 digits is likely a card, network or not.
    { text: 'Luhn-valid but no network: 1234567812345670', found: ['1234567812345670'] },
    { text: 'dots 5105.1051.0510.5100 ok', found: ['5105.1051.0510.5100'] },
    { text: 'mixed 5105 1051-0510 5100 ok', found: ['5105 1051-0510 5100'] },
    { text: 'slashes 4012/8888/8888/1881', found: ['4012/8888/8888/1881'] },
    { text: 'pairs 51 05 10 51 05 10 51 00', found: ['51 05 10 51 05 10 51 00'] },
    { text: 'underscores 4012_8888_8888_1881', found: ['4012_8888_8888_1881'] },
    { text: 'Arabic-Indic ٤٠١٢٨٨٨٨٨٨٨٨١٨٨١', found: ['٤٠١٢٨٨٨٨٨٨٨٨١٨٨١'] },
    { text: '12-digit maestro 675940557613', found: ['675940557613'] },
    { text: '15-digit jcb 2131 698716 89762', found: ['2131 698716 89762'] },
    { text: 'a typo after a cue: my card 4111 1111 1111 1112', found: ['4111 1111 1111 1112'] },
    { text: 'a gift card code 6243 6792 3564 3475', found: [] },
    { text: 'the tail of an IBAN: GB02 LOYD 6968 2275 3460 24', found: [] },
    { text: 'eleven digits 41111111111', found: [] },
    { text: 'tracking 9400111899223344556677', found: [] },
  ]);
});
