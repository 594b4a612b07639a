import { describe } from 'vitest';
import { personIntro } from './person-intro.ts';
import { detects } from './table.ts';

describe('names after a cue, in any case and with a slip of the keys', () => {
  detects(personIntro, [
    // Lower case after an introduction: the name lists decide, or the cue leaves no doubt.
    { text: 'me llamo lucia romero y necesito ayuda', lang: 'es', found: ['lucia romero'] },
    { text: 'my name is zorvina and my card is blocked', lang: 'en', found: ['zorvina'] },
    { text: 'name:   kaspar j. oyelaran', lang: 'en', found: ['kaspar j. oyelaran'] },
    { text: 'soy cliente desde hace años', lang: 'es', found: [] },
    { text: 'my name is spelled wrong on the card', lang: 'en', found: [] },
    // A sign-off in any case, its last word typed with two letters swapped.
    { text: 'viele grüße, lena vogt', lang: 'de', found: ['lena vogt'] },
    { text: 'Met vreindelijke groet,\nSanne Visser', lang: 'nl', found: ['Sanne Visser'] },
    { text: 'thanks, see you tomorrow', lang: 'en', found: [] },
    // The payee right before the account the money goes to.
    { text: 'pago a daniel ortega, cuenta ES91 2100 0418 4502 0005 1332', lang: 'es', found: ['daniel ortega'] },
    { text: 'overboeking naar thomas de vries op NL91 ABNA 0417 1643 00', lang: 'nl', found: ['thomas de vries'] },
    { text: 'send 20 EUR to my account DE89 3704 0044 0532 0130 00', lang: 'en', found: [] },
    // A title with two letters swapped.
    { text: 'Bonjour, monsieru Laurent de votre agence', lang: 'fr', found: ['Laurent'] },
  ]);
});
