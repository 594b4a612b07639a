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
    { text: 'bic deutdeff', found: [] },
  ]);
});
