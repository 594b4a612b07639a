import { digitsOf } from './digits.ts';
import type { Recognizer } from './recognizer.ts';

// Domestic account numbers have no shared checksum: 8–17 digits (optionally grouped) are only an
// account number when the text says so; otherwise they are order numbers, amounts, references.
export const bankAccount: Recognizer = {
  name: 'bank_account',
  entity: 'BANK_ACCOUNT',
  patterns: [
    // UK sort code + account: 12-34-56 12345678
    { name: 'sort-code-account', regex: /(?<![\d-])\d{2}-\d{2}-\d{2}[ ,/]{1,3}\d{8}(?!\d)/g, score: 0.5 },
    { name: 'digits', regex: /(?<![\d+-]|\+\d{1,3}[ -]?)\d(?:[ -]?\d){7,16}(?![\d])/g, score: 0.5 },
  ],
  context: [
    'account number',
    'account no',
    'acct',
    'a/c',
    'account #',
    'account',
    'checking',
    'savings',
    'sort code',
    'kontonummer',
    'konto',
    'numéro de compte',
    'compte',
    'número de cuenta',
    'cuenta',
    'numero di conto',
    'conto',
    'rekeningnummer',
    'rekening',
    'numer konta',
    'konta',
    'rachunek',
    'rachunku',
    '账号',
    '账户',
    '帐号',
    '帐户',
    '银行账号',
    '卡号',
    '银行卡号',
  ],
  // A small boost: a number libphonenumber puts in a mobile range (0.85) outranks "account" nearby.
  contextBoost: 0.2,
  contextRequired: true,
  contextWindow: { before: 40, after: 8 },
  validate: (value) => {
    const digits = digitsOf(value);
    // A run of one repeated digit is a placeholder someone typed, not an account.
    return digits.length >= 8 && !/^(\d)\1+$/.test(digits) ? 0.6 : false;
  },
};
