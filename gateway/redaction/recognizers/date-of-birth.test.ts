import { describe } from 'vitest';
import { dateOfBirth } from './date-of-birth.ts';
import { detects } from './table.ts';

describe('date of birth (context-gated)', () => {
  detects(dateOfBirth, [
    { text: 'I was born on 12/03/1985', found: ['12/03/1985'] },
    { text: 'DOB: 1985-03-12', found: ['1985-03-12'] },
    { text: 'date of birth March 12, 1985', found: ['March 12, 1985'] },
    { text: 'my birthday is 3rd July 1990', found: ['3rd July 1990'] },
    { text: 'geboren am 12.03.1985', lang: 'de', found: ['12.03.1985'] },
    { text: 'gebroen am 04.11.1962', lang: 'de', found: ['04.11.1962'] },
    { text: 'Geburtsdatum: 7. Mai 1979', lang: 'de', found: ['7. Mai 1979'] },
    { text: 'né le 14 juillet 1962', lang: 'fr', found: ['14 juillet 1962'] },
    { text: 'fecha de nacimiento 5 de mayo de 1990', lang: 'es', found: ['5 de mayo de 1990'] },
    { text: '我的生日是1990年3月7日', found: ['1990年3月7日'] },
    { text: '出生日期：１９９０－０３－０７', found: ['１９９０－０３－０７'] },
    { text: 'ich bin am 18.12.1944 geboren', lang: 'de', found: ['18.12.1944'] },
    { text: 'nací el 9 de septiembre de 1975', lang: 'es', found: ['9 de septiembre de 1975'] },
    { text: 'the transfer on 12/03/2024 failed', found: [] },
    { text: 'statement from 1985-03-12', found: [] },
    { text: 'born on 31/02/1985', found: [] },
    { text: 'born on 12/03/2999', found: [] },
  ]);
});
