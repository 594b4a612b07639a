import { describe } from 'vitest';
import { passport } from './passport.ts';
import { detects } from './table.ts';

describe('passport (context-gated)', () => {
  detects(passport, [
    { text: 'passport number E12345678', found: ['E12345678'] },
    { text: '护照号码：G87654321', found: ['G87654321'] },
    { text: 'Reisepass C01X00T47 gültig bis 2030', lang: 'de', found: ['C01X00T47'] },
    { text: 'my passport no is 533380006', found: ['533380006'] },
    { text: 'product code E12345678 is out of stock', found: [] },
    { text: 'passport expired ABCDEFGH', found: [] },
    { text: 'Reisepassnummer CRFLHTP1W, gültig bis 2029', lang: 'de', found: ['CRFLHTP1W'] },
    { text: 'paspoort nummer nwf7j2522', lang: 'nl', found: ['nwf7j2522'] },
    { text: 'my passport renewal is overdue', found: [] },
    // A cue typed with two letters swapped is still the cue.
    { text: 'numéro de pasesport 47gk20915', lang: 'fr', found: ['47gk20915'] },
    { text: 'product cdoe E12345678 is out of stock', found: [] },
  ]);
});
