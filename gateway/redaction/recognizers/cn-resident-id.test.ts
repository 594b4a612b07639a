import { describe } from 'vitest';
import { cnResidentId } from './cn-resident-id.ts';
import { detects } from './table.ts';

describe('cn resident id', () => {
  detects(cnResidentId, [
    { text: '身份证号11010519491231002X', found: ['11010519491231002X'] },
    { text: 'id 11010519491231002x.', found: ['11010519491231002x'] },
    { text: '身份证：４４０３０５２００３１２２４８７１５', found: ['４４０３０５２００３１２２４８７１５'] },
    { text: '身份证 110105 19491231 002X', found: ['110105 19491231 002X'] },
    { text: '😀身份证31010419510702662X', found: ['31010419510702662X'] },
    { text: '身份证 110105 1949 1231 002X', found: ['110105 1949 1231 002X'] },
    { text: '身份证 110105-19491231-002X', found: ['110105-19491231-002X'] },
    { text: '身份证 110105.1949.1231.002X', found: ['110105.1949.1231.002X'] },
    { text: '身份证号 110105194912310021（校验位错了也是身份证号）', found: ['110105194912310021'] },
    { text: 'bad checksum 110105194912310021', found: [] },
    { text: 'bad date 110105194902300025', found: [] },
    { text: 'bad province 990105194912310028', found: [] },
    { text: 'too long 11010519491231002X1', found: [] },
  ]);
});
