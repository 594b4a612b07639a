import { describe } from 'vitest';
import { plPesel } from './pl-pesel.ts';
import { detects } from './table.ts';

describe('pl pesel', () => {
  detects(plPesel, [
    { text: 'PESEL 44051401359', lang: 'pl', found: ['44051401359'] },
    { text: 'mój pesel: 02070803628', lang: 'pl', found: ['02070803628'] },
    { text: 'born in 2016: 16121871065', found: ['16121871065'] },
    { text: 'PESEL ４４０５１４０１３５９', found: ['４４０５１４０１３５９'] },
    { text: 'bad check digit 44051401358', found: [] },
    { text: 'bad month 44151401355', found: [] },
  ]);
});
