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
    { text: 'virement de 57 euro au nom de Jean-Pierre Lefèvre', lang: 'fr', found: ['Jean-Pierre Lefèvre'] },
    { text: 'overboeking naar Anouk van Leeuwen op BE06 5011 2133 6941', lang: 'nl', found: ['Anouk van Leeuwen'] },
    { text: 'mevrouw de Vries wacht nog steeds', lang: 'nl', found: ['de Vries'] },
    { text: 'Guten Tag, herr Krüger aus der Filiale', lang: 'de', found: ['Krüger'] },
    { text: 'soy Pablo López, DNI 95355201F', lang: 'es', found: ['Pablo López'] },
    { text: 'transfer to savings please', lang: 'en', found: [] },
  ]);
});
