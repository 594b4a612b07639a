// Which language a question or passage is analysed in. Each has a PostgreSQL text-search
// configuration (Snowball stemmer and stop words, built in to PostgreSQL and PGlite); Chinese keeps
// character bigrams for Han text. A question without a language hint gets one from its script,
// its accents and its most frequent function words.

export const ANALYSED_LANGS = ['en', 'de', 'fr', 'es', 'zh'] as const;
export type AnalysedLang = (typeof ANALYSED_LANGS)[number];

/** PostgreSQL text-search configuration per language; anything else is analysed with 'simple'. */
export const TS_CONFIG: Record<string, string> = {
  en: 'english',
  de: 'german',
  fr: 'french',
  es: 'spanish',
  zh: 'english',
};

/** 'de-AT' → 'de'; unknown → undefined. */
export function baseLang(lang: string | undefined): AnalysedLang | undefined {
  const base = lang?.toLowerCase().split(/[-_]/)[0];
  return (ANALYSED_LANGS as readonly string[]).includes(base ?? '') ? (base as AnalysedLang) : undefined;
}

export const tsConfigOf = (lang: string | undefined) => TS_CONFIG[baseLang(lang) ?? ''] ?? 'simple';

const HINTS: Record<Exclude<AnalysedLang, 'zh'>, { words: Set<string>; letters: RegExp }> = {
  en: {
    words: new Set('the and is are my i you your what how do does can to of it in on for with have was not'.split(' ')),
    letters: /$^/,
  },
  de: {
    words: new Set(
      'der die das und ist ich mein meine meinen nicht wie was ein eine kann ich habe wurde bei euch ihr zu auf mit für'.split(
        ' ',
      ),
    ),
    letters: /[äöüß]/,
  },
  fr: {
    words: new Set(
      'le la les et est je mon ma mes ne pas comment que quel quelle un une des du au vous puis j ai à pour sur'.split(
        ' ',
      ),
    ),
    letters: /[éèêëçàùœ]/,
  },
  es: {
    words: new Set(
      'el la los las y es mi mis no cómo como que qué un una del al puedo me se por para con tengo'.split(' '),
    ),
    letters: /[ñ¿¡áíóú]/,
  },
};

/** The language a question is analysed in: the hint, unless the text clearly says otherwise. */
export function questionLanguage(text: string, hint: string | undefined): AnalysedLang {
  const given = baseLang(hint);
  const detected = detectLanguageScored(text, given ?? 'en');
  return given && detected.score < 2 ? given : detected.lang;
}

/** The most likely language of a text among en, de, fr, es and zh; `fallback` when nothing tells. */
export function detectLanguage(text: string, fallback: AnalysedLang = 'en'): AnalysedLang {
  return detectLanguageScored(text, fallback).lang;
}

function detectLanguageScored(text: string, fallback: AnalysedLang): { lang: AnalysedLang; score: number } {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const letters = (text.match(/\p{L}/gu) ?? []).length;
  if (han > 0 && han * 2 >= letters) return { lang: 'zh', score: 10 };
  const lower = text.normalize('NFC').toLowerCase();
  const words = lower.split(/[^\p{L}]+/u).filter(Boolean);
  let best: AnalysedLang = fallback;
  let bestScore = 0;
  for (const [lang, h] of Object.entries(HINTS) as [Exclude<AnalysedLang, 'zh'>, (typeof HINTS)['en']][]) {
    const score = words.filter((w) => h.words.has(w)).length + (h.letters.test(lower) ? 1.5 : 0);
    if (score > bestScore) [best, bestScore] = [lang, score];
  }
  return { lang: best, score: bestScore };
}

/** Accents off (customers type "decouvert", "cuanto"), the same on both sides of the index. */
export const foldAccents = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC');

/** Chat and story filler words the Snowball stop lists keep but that say nothing about the topic. */
export const CHAT_STOP: Record<AnalysedLang, Set<string>> = {
  en: new Set(
    (
      'please thanks thank hi hello hey want need get got tell know let lets im ive dont doesnt cant isnt whats hows ' +
      'u ur pls plz lol smh wtf yo guys ok okay still yet ago really actually basically literally anyway kinda gonna wanna'
    ).split(' '),
  ),
  de: new Set(
    'bitte danke hallo hi moechte mochte will brauche bekomme kann koennen konnen ihr euch eure euer jetzt schnell mal gibt'.split(
      ' ',
    ),
  ),
  fr: new Set('bonjour salut merci svp stp veux voudrais besoin peux puis quoi vite'.split(' ')),
  es: new Set('hola gracias porfa favor quiero necesito puedo podeis hago oye tio ya poner'.split(' ')),
  zh: new Set(),
};
