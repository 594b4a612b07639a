import { describe } from 'vitest';
import { deTaxId } from './de-tax-id.ts';
import { detects } from './table.ts';

describe('de tax id', () => {
  detects(deTaxId, [
    { text: 'Steuer-ID 86095742719', lang: 'de', found: ['86095742719'] },
    { text: 'Meine IdNr: 47 036 892 816', lang: 'de', found: ['47 036 892 816'] },
    { text: 'tax id 65929970489', found: ['65929970489'] },
    { text: 'Steuer-ID ８６０９５７４２７１９', found: ['８６０９５７４２７１９'] },
    { text: 'Steuer-ID 86095742718', lang: 'de', found: [] },
    { text: 'leading zero 06095742719', found: [] },
    { text: 'no repeated digit 12345678903', found: [] },
  ]);
});
