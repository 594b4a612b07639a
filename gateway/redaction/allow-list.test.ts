import { describe, expect, it } from 'vitest';
import { createAllowList } from './allow-list.ts';
import type { EntityType } from './types.ts';

const allow = createAllowList([
  { value: '+44 20 7946 0000', type: 'PHONE' },
  { value: 'support@demo-bank.example' },
  { value: 'Demo Bank' },
]);

describe('allow list', () => {
  it.each<[EntityType, string, boolean]>([
    ['PHONE', '+44 20 7946 0000', true],
    ['PHONE', '+442079460000', true],
    ['PHONE', '+44 (0)20 7946 0000', true],
    ['PHONE', '0044 20 7946 0000', true],
    ['PHONE', '020 7946 0000', true],
    ['PHONE', '＋４４ ２０ ７９４６ ００００', true],
    ['PHONE', '020 7946 0001', false],
    ['PHONE', '+44 20 7946 00000', false],
    ['EMAIL', 'Support@Demo-Bank.example', true],
    ['EMAIL', 'support@demo-bank.example.evil', false],
    ['EMAIL', 'alice@demo-bank.example', false],
    // untyped entries apply to whatever type the value is detected as
    ['ORGANIZATION', 'demo  bank', true],
    ['PERSON', 'Demo Bank', true],
    // typed entries apply to their type only
    ['BANK_ACCOUNT', '+44 20 7946 0000', false],
  ])('%s %j allowed: %s', (type, value, expected) => {
    expect(allow(type, value)).toBe(expected);
  });

  it('an empty list allows nothing', () => {
    expect(createAllowList([])('EMAIL', 'support@demo-bank.example')).toBe(false);
  });
});
