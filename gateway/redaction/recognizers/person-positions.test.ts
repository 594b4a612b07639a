import { describe } from 'vitest';
import { personNames } from './person-names.ts';
import { detects } from './table.ts';

describe('names by their position, one word or lower case', () => {
  detects(personNames, [
    { text: 'Our founders: Okonjo, Marsh and Whitaker.', lang: 'en', found: ['Okonjo', 'Marsh', 'Whitaker'] },
    { text: 'London, Paris and Berlin are lovely in May', lang: 'en', found: [] },
    { text: 'Visa, Mastercard and Amex are accepted', lang: 'en', found: [] },
    { text: 'Terms and Conditions apply', lang: 'en', found: [] },
    { text: 'Hi Ottilie, my card is blocked', lang: 'en', found: ['Ottilie'] },
    { text: 'I am so sorry! said Brannagh to Lucia', lang: 'en', found: ['Brannagh', 'Lucia'] },
    { text: 'I want to add my son Teodor to the account', lang: 'en', found: ['Teodor'] },
    { text: 'Quillon: "Are you there?"', lang: 'en', found: ['Quillon'] },
    { text: 'Note: Please call me back', lang: 'en', found: [] },
    { text: 'Bot: Where should we send it?', lang: 'en', found: [] },
    { text: 'follow up with maria k vanchev tomorrow', lang: 'en', found: ['maria k vanchev'] },
    { text: 'ask eva brunnhofer to call me', lang: 'en', found: ['eva brunnhofer'] },
    { text: 'maria pls call me', lang: 'en', found: [] },
    { text: "I'm Katie E Orlow, from Leeds", lang: 'en', found: ['Katie E Orlow'] },
    { text: "the verses from Edi Marović's songs", lang: 'en', found: ['Edi Marović'] },
  ]);
});
