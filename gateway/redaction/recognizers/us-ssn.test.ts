import { describe } from 'vitest';
import { detects } from './table.ts';
import { usSsn } from './us-ssn.ts';

describe('us ssn', () => {
  detects(usSsn, [
    { text: 'SSN 536-22-1234', found: ['536-22-1234'] },
    { text: 'my social security number is 536221234', found: ['536221234'] },
    { text: 'ssn ５３６－２２－１２３４', found: ['５３６－２２－１２３４'] },
    { text: 'it is 536-22-1234 ok', found: ['536-22-1234'] },
    { text: 'SSN 536.22.1234 for the form', found: ['536.22.1234'] },
    { text: 'my ssn is 536221234', found: ['536221234'] },
    { text: 'area 000: 000-12-3456', found: [] },
    { text: 'area 666: 666-12-3456', found: [] },
    { text: 'area 9xx: 912-12-3456', found: [] },
    { text: 'group 00: 536-00-1234', found: [] },
    { text: 'serial 0000: 536-22-0000', found: [] },
    { text: 'order 536221234 shipped', found: [] },
    { text: 'the famous 078-05-1120', found: [] },
  ]);
});
