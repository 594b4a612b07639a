import { describe } from 'vitest';
import { nlBsn } from './nl-bsn.ts';
import { detects } from './table.ts';

describe('nl bsn', () => {
  detects(nlBsn, [
    { text: 'mijn BSN is 111222333', lang: 'nl', found: ['111222333'] },
    { text: 'burgerservicenummer 1234.56.782', lang: 'nl', found: ['1234.56.782'] },
    { text: 'BSN ７４５８９４０３３', found: ['７４５８９４０３３'] },
    // A bare 11-check-valid number in Dutch text passes; in English it is an order number.
    { text: 'nummer 745894033 graag', lang: 'nl', found: ['745894033'] },
    { text: 'order 745894033 shipped', lang: 'en', found: [] },
    { text: 'BSN 111222334', lang: 'nl', found: [] },
  ]);
});
