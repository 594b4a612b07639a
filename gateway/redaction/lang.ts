// Cheap language guess for choosing recognizers: CJK share first, then stopwords and diacritics.
import type { Lang } from './types.ts';

const HAN = /\p{Script=Han}/gu;
const LETTER = /\p{L}/gu;

// Short function words that are frequent in one language and rare in the others.
const STOPWORDS: Readonly<Record<Exclude<Lang, 'zh' | 'en'>, readonly string[]>> = {
  de: [
    'und',
    'ich',
    'nicht',
    'ist',
    'der',
    'die',
    'das',
    'mit',
    'mein',
    'meine',
    'bitte',
    'ein',
    'eine',
    'auf',
    'für',
    'wie',
    'sie',
    'habe',
    'konto',
    'danke',
    'hallo',
    'guten',
    'tag',
  ],
  fr: [
    'je',
    'le',
    'la',
    'les',
    'est',
    'et',
    'un',
    'une',
    'mon',
    'ma',
    'mes',
    'pour',
    'pas',
    'vous',
    'bonjour',
    'merci',
    'avec',
    'suis',
    'compte',
    'des',
    'du',
    "j'ai",
    'ne',
  ],
  es: [
    'el',
    'la',
    'los',
    'las',
    'es',
    'y',
    'mi',
    'por',
    'para',
    'con',
    'hola',
    'gracias',
    'que',
    'una',
    'cuenta',
    'tengo',
    'mis',
    'del',
    'favor',
    'no',
    'necesito',
  ],
  it: [
    'il',
    'di',
    'che',
    'è',
    'non',
    'mio',
    'mia',
    'per',
    'con',
    'sono',
    'ciao',
    'grazie',
    'buongiorno',
    'conto',
    'della',
    'ho',
    'una',
    'gli',
    'vorrei',
  ],
  nl: [
    'de',
    'het',
    'een',
    'ik',
    'is',
    'en',
    'niet',
    'mijn',
    'van',
    'met',
    'voor',
    'hallo',
    'dank',
    'bedankt',
    'rekening',
    'graag',
    'wil',
    'jullie',
    'hoe',
  ],
  pl: [
    'i',
    'nie',
    'jest',
    'się',
    'na',
    'mój',
    'moje',
    'moja',
    'dla',
    'z',
    'dzień',
    'dobry',
    'dziękuję',
    'konto',
    'proszę',
    'mam',
    'czy',
    'jak',
    'mnie',
  ],
};
const EN_STOPWORDS = new Set([
  'the',
  'and',
  'is',
  'my',
  'i',
  'to',
  'of',
  'you',
  'for',
  'with',
  'please',
  'hi',
  'hello',
  'thanks',
  'account',
  'have',
  'can',
  'it',
  'on',
  'this',
  'what',
  'was',
  'me',
]);
// Letters that (almost) only one of these languages uses.
const DIACRITICS: Readonly<Record<Exclude<Lang, 'zh' | 'en'>, RegExp>> = {
  de: /[äöüß]/giu,
  fr: /[éèêëàâçîïôûœ]/giu,
  es: /[ñáíóú¿¡]/giu,
  it: /[àèéìòù]/giu,
  nl: /ij|[ëï]/giu,
  pl: /[ąćęłńśźż]/giu,
};

const STOP_SETS = Object.entries(STOPWORDS).map(
  ([lang, words]) => [lang as keyof typeof STOPWORDS, new Set(words)] as const,
);

export function detectLanguage(text: string): Lang {
  const sample = text.slice(0, 2000);
  const letters = sample.match(LETTER)?.length ?? 0;
  const han = sample.match(HAN)?.length ?? 0;
  if (han > 0 && han >= letters * 0.2) return 'zh';
  const words = sample
    .toLowerCase()
    .split(/[^\p{L}']+/u)
    .filter((w) => w !== '');
  let best: Lang = 'en';
  let bestScore = words.filter((w) => EN_STOPWORDS.has(w)).length;
  for (const [lang, stop] of STOP_SETS) {
    const score = words.filter((w) => stop.has(w)).length + 1.5 * (sample.match(DIACRITICS[lang])?.length ?? 0);
    // Ties go to English: it is the default, and the other languages must earn their win.
    if (score > bestScore) {
      best = lang;
      bestScore = score;
    }
  }
  return best;
}
