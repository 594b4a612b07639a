import { describe } from 'vitest';
import { esNif } from './es-nif.ts';
import { detects } from './table.ts';

describe('es nif', () => {
  detects(esNif, [
    { text: 'mi DNI es 12345678Z', lang: 'es', found: ['12345678Z'] },
    { text: 'dni 20290732-v', found: ['20290732-v'] },
    { text: 'NIE X1234567L', found: ['X1234567L'] },
    { text: 'nie y-4930182-p', found: ['y-4930182-p'] },
    { text: 'ＤＮＩ １２３４５６７８Ｚ', found: ['１２３４５６７８Ｚ'] },
    { text: 'wrong letter 12345678A', found: [] },
    { text: 'wrong NIE letter X1234567A', found: [] },
  ]);
});
