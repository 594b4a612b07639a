import { describe } from 'vitest';
import { personIntro } from './person-intro.ts';
import { detects } from './table.ts';

describe('person (introductions and titles, all languages)', () => {
  detects(personIntro, [
    { text: 'Mein Name ist Max Mustermann und ich habe eine Frage', lang: 'de', found: ['Max Mustermann'] },
    { text: "Bonjour, je m'appelle Jean-Luc Picard.", lang: 'fr', found: ['Jean-Luc Picard'] },
    { text: 'Hola, me llamo María García', lang: 'es', found: ['María García'] },
    { text: 'Goedendag, mijn naam is Anna van Dijk', lang: 'nl', found: ['Anna van Dijk'] },
    { text: 'Nazywam się Łukasz Kowalski', lang: 'pl', found: ['Łukasz Kowalski'] },
    { text: 'Sehr geehrte Frau Schmidt,', lang: 'de', found: ['Schmidt'] },
    { text: 'Mit freundlichen Grüßen\nKlaus Weber', lang: 'de', found: ['Klaus Weber'] },
    { text: 'mein name ist egal', lang: 'de', found: [] },
  ]);
});
