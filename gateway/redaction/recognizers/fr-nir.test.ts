import { describe } from 'vitest';
import { frNir } from './fr-nir.ts';
import { detects } from './table.ts';

describe('fr nir', () => {
  detects(frNir, [
    { text: 'numéro de sécu 2 55 08 14 168 025 38', lang: 'fr', found: ['2 55 08 14 168 025 38'] },
    { text: 'NIR 255081416802538', found: ['255081416802538'] },
    { text: 'Corse: 255082A08293521', found: ['255082A08293521'] },
    { text: 'Haute-Corse 212012B53479569', found: ['212012B53479569'] },
    { text: 'bad key 255081416802539', found: [] },
    { text: 'bad sex digit 355081416802538', found: [] },
  ]);
});
