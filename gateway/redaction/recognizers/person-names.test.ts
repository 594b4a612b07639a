import { describe } from 'vitest';
import { personNames } from './person-names.ts';
import { detects } from './table.ts';

describe('person names without a cue', () => {
  detects(personNames, [
    { text: 'Mohammed Haddad here, my card is blocked', lang: 'en', found: ['Mohammed Haddad'] },
    { text: 'Wanjiru Kimani will call the branch tomorrow', lang: 'en', found: ['Wanjiru Kimani'] },
    { text: 'Linnea Brask here, can you help?', lang: 'en', found: ['Linnea Brask'] },
    // Two capitalised words no dictionary knows: a name from outside the lists.
    { text: 'Customer: Jorun Vasskog', lang: 'en', found: ['Jorun Vasskog'] },
    { text: 'Microbilt Corporation announced a new product', lang: 'en', found: [] },
    { text: "What's your last name? Arcuri", lang: 'en', found: ['Arcuri'] },
    { text: 'Could Hannah Harrison from your fraud team ring me', lang: 'en', found: ['Hannah Harrison'] },
    { text: 'I work at Goldman Sachs and need a letter', lang: 'en', found: [] },
    { text: 'Customer: Jorun Vasskog will visit', lang: 'en', found: ['Jorun Vasskog'] },
    { text: 'OKONKWO, Chiamaka - account holder', lang: 'en', found: ['OKONKWO, Chiamaka'] },
    { text: '请转给阿依古丽·买买提', lang: 'zh', found: ['阿依古丽·买买提'] },
    { text: 'Customer Service will call you back', lang: 'en', found: [] },
    { text: 'hey its kwame fraser here', lang: 'en', found: ['kwame fraser'] },
    { text: 'ask john smith to call me', lang: 'en', found: ['john smith'] },
    { text: 'i will may be late, grace period', lang: 'en', found: [] },
    { text: 'Kind regards,\nConnor Nguyen Thanks for sorting that', lang: 'en', found: ['Connor Nguyen'] },
    { text: 'URGENT, Please help', lang: 'en', found: [] },
    { text: 'The Bank of England sets the rate', lang: 'en', found: [] },
    // A middle initial is no article; particles join a name; a listed name after "named him".
    { text: 'Teodor B Castillo opened the account', lang: 'en', found: ['Teodor B Castillo'] },
    { text: 'Jurgis A Adomaitis lives here', lang: 'en', found: ['Jurgis A Adomaitis'] },
    { text: 'Liesbeth van der Kolk will call', lang: 'en', found: ['Liesbeth van der Kolk'] },
    { text: 'She named him Frank', lang: 'en', found: ['Frank'] },
    { text: 'The Halvard Orchestra plays tonight', lang: 'en', found: [] },
    { text: 'Personal Info:\nPhone:', lang: 'en', found: [] },
  ]);
});
