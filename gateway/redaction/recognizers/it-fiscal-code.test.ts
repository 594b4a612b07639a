import { describe } from 'vitest';
import { itFiscalCode } from './it-fiscal-code.ts';
import { detects } from './table.ts';

describe('it fiscal code', () => {
  detects(itFiscalCode, [
    { text: 'codice fiscale RSSMRA85T10A562S', lang: 'it', found: ['RSSMRA85T10A562S'] },
    { text: 'cf: bnclra90a41f205i', found: ['bnclra90a41f205i'] },
    { text: 'ＲＳＳＭＲＡ８５Ｔ１０Ａ５６２Ｓ', found: ['ＲＳＳＭＲＡ８５Ｔ１０Ａ５６２Ｓ'] },
    { text: 'wrong check RSSMRA85T10A562T', found: [] },
    { text: 'bad month letter RSSMRA85Z10A562S', found: [] },
  ]);
});
