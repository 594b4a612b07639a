import { describe } from 'vitest';
import { bic } from './bic.ts';
import { detects } from './table.ts';

describe('bic (context-gated)', () => {
  detects(bic, [
    { text: 'BIC: DEUTDEFF', found: ['DEUTDEFF'] },
    { text: 'SWIFT code COBADEFFXXX for the transfer', found: ['COBADEFFXXX'] },
    { text: 'swift BKCHCNBJ', found: ['BKCHCNBJ'] },
    { text: 'please read DEUTDEFF carefully', found: [] },
    { text: 'BIC: CUSTOMER', found: [] },
    // Typed in lower case right after the word, still a BIC; an English word there is none.
    { text: 'bic deutdeff', found: ['deutdeff'] },
    { text: 'swift: ingbnl2a please', found: ['ingbnl2a'] },
    { text: 'bic required for this transfer', found: [] },
    { text: 'please read deutdeff carefully', found: [] },
  ]);
});
