import { describe } from 'vitest';
import { iban } from './iban.ts';
import { detects } from './table.ts';

describe('iban', () => {
  detects(iban, [
    { text: 'IBAN DE89 3704 0044 0532 0130 00 please', found: ['DE89 3704 0044 0532 0130 00'] },
    { text: 'de89370400440532013000', found: ['de89370400440532013000'] },
    { text: 'GB82 WEST 1234 5698 7654 32 thanks', found: ['GB82 WEST 1234 5698 7654 32'] },
    { text: 'BE68 5390 0754 7034 Bank', found: ['BE68 5390 0754 7034'] },
    { text: 'mijn rekening NL91ABNA0417164300.', found: ['NL91ABNA0417164300'] },
    { text: 'FR14 2004 1010 0505 0001 3M02 606', found: ['FR14 2004 1010 0505 0001 3M02 606'] },
    { text: 'IT60-X054-2811-1010-0000-0123-456', found: ['IT60-X054-2811-1010-0000-0123-456'] },
    {
      text: 'CH93 0076 2011 6238 5295 7, PL61 1090 1014 0000 0712 1981 2874',
      found: ['CH93 0076 2011 6238 5295 7', 'PL61 1090 1014 0000 0712 1981 2874'],
    },
    {
      text: 'ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００',
      found: ['ＤＥ８９ ３７０４ ００４４ ０５３２ ０１３０ ００'],
    },
    { text: 'dotted DE89.3704.0044.0532.0130.00 ok', found: ['DE89.3704.0044.0532.0130.00'] },
    { text: 'lower case, spaced: de89 3704 0044 0532 0130 00 danke', found: ['de89 3704 0044 0532 0130 00'] },
    { text: 'underscores GB82_WEST_1234_5698_7654_32', found: ['GB82_WEST_1234_5698_7654_32'] },
    { text: 'spaced country NL 91 ABNA 0417 1643 00', found: ['NL 91 ABNA 0417 1643 00'] },
    { text: 'de 669 euro vers FR14 2004 1010 0505 0001 3M02 606 au nom', found: ['FR14 2004 1010 0505 0001 3M02 606'] },
    { text: 'bad check digits DE88 3704 0044 0532 0130 00', found: [] },
    { text: 'wrong length DE89 3704 0044 0532 0130 0', found: [] },
    { text: 'unknown country XX89 3704 0044 0532 0130 00', found: [] },
  ]);
});
