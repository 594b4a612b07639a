import { describe } from 'vitest';
import { detects } from './table.ts';
import { ukNino } from './uk-nino.ts';

describe('uk nino', () => {
  detects(ukNino, [
    { text: 'NI number AB123456C', found: ['AB123456C'] },
    { text: 'my nino is ab 12 34 56 c', found: ['ab 12 34 56 c'] },
    { text: 'JG103759A', found: ['JG103759A'] },
    { text: 'ＡＢ１２３４５６Ｃ', found: ['ＡＢ１２３４５６Ｃ'] },
    { text: 'prefix D not allowed: DA123456C', found: [] },
    { text: 'prefix GB not allowed: GB123456A', found: [] },
    { text: 'suffix E not allowed: AB123456E', found: [] },
  ]);
});
