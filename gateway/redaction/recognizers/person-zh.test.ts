import { describe, expect, it } from 'vitest';
import { personZh, zhPersons } from './person-zh.ts';
import { detects } from './table.ts';

describe('person (zh)', () => {
  detects(personZh, [
    { text: '您好，我叫王小明，想查询账户', found: ['王小明'] },
    { text: '张伟先生您好', found: ['张伟'] },
    { text: '请问李娜女士在吗', found: ['李娜'] },
    { text: '收款人：欧阳娜娜', found: ['欧阳娜娜'] },
    { text: '😀我叫刘洋', found: ['刘洋'] },
    { text: '我的银行卡丢了，请帮我挂失', found: [] },
    { text: '一张信用卡的年费是多少', found: [] },
    { text: '帮我查一下马艳的那笔转账', found: ['马艳'] },
    { text: '上周周芳给我打过电话', found: ['周芳'] },
    { text: '这张卡的额度是多少', found: [] },
    { text: '马上给我回电话', found: [] },
  ]);
  it('finds nothing in text without Han characters', () => {
    expect(zhPersons('John Smith')).toEqual([]);
  });
});
