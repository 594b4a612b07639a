import { describe } from 'vitest';
import { bankAccount } from './bank-account.ts';
import { detects } from './table.ts';

describe('bank account (context-gated)', () => {
  detects(bankAccount, [
    { text: 'my account number is 12345678', found: ['12345678'] },
    { text: 'acct 0012-3456-7890-1', found: ['0012-3456-7890-1'] },
    { text: 'sort code 20-00-00 account 55779911', found: ['55779911'] },
    { text: 'Kontonummer 1234 5678 90', lang: 'de', found: ['1234 5678 90'] },
    { text: '我的银行账号是６２２８４８０４０２５６４８９０', found: ['６２２８４８０４０２５６４８９０'] },
    { text: 'order number 12345678 shipped', found: [] },
    { text: 'account 11111111', found: [] },
    { text: 'account balance 1234567', found: [] },
    // After a country code it is a phone number, whatever "account" says nearby.
    { text: 'joint account, her number is +44 7441 118 863', found: [] },
  ]);
});
