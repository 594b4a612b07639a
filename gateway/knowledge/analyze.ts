// Language-aware analysis: text → index terms for one language. Han runs become character bigrams
// (or segmentit words) in JS as before; every other word is stemmed by the language's PostgreSQL
// Snowball configuration, which also drops its stop words. The stemming runs in the database (the
// `Stemmer` a PassageSource offers), the same for passages at import and questions at search time,
// so both sides always agree. Without a database stemmer (unit tests) the light English stemmer
// of text.ts stands in.
import { CHAT_STOP, foldAccents, tsConfigOf, baseLang } from './language.ts';
import { hanTerms, isHan, normalize, prepare, type Prepared } from './text.ts';
import type { Stemmer, ZhMode } from './types.ts';

export type { Stemmer };

// A Han run, or a run of other letters and digits (a Latin word glued to Chinese is a word of its own).
const RUNS = /\p{Script=Han}+|(?:(?!\p{Script=Han})[\p{L}\p{N}])+/gu;

interface Tokens {
  words: string[];
  han: string[];
}

function tokens(text: string, lang: string | undefined): Tokens {
  const base = baseLang(lang) ?? 'en';
  const stop = CHAT_STOP[base];
  const words: string[] = [];
  const han: string[] = [];
  // English drops the apostrophe ("don't" → "dont"); French, Spanish, German split at it ("l'agence").
  const prepared = base === 'en' ? normalize(text).replace(/['’]/g, '') : normalize(text).replace(/['’]/g, ' ');
  for (const m of foldAccents(prepared).matchAll(RUNS)) {
    const t = m[0];
    if (isHan(t)) han.push(t);
    else if (!stop.has(t) && (t.length > 1 || /\d/.test(t))) words.push(t);
  }
  return { words, han };
}

// Lexemes already known, per configuration: questions reuse the same few thousand words.
const known = new Map<string, Map<string, string[]>>();
const KNOWN_MAX = 50_000;

/** Index terms of several texts in one language, with one database round trip at most. */
export async function analyzeTexts(
  stemmer: Stemmer | undefined,
  texts: string[],
  lang: string | undefined,
  mode: ZhMode,
): Promise<Prepared[]> {
  if (!stemmer) return texts.map((t) => prepare(t, mode));
  const config = tsConfigOf(lang);
  const split = texts.map((t) => tokens(t, lang));
  let cache = known.get(config);
  if (!cache) known.set(config, (cache = new Map()));
  const missing = [...new Set(split.flatMap((s) => s.words))].filter((w) => !cache.has(w));
  if (missing.length) {
    const found = await stemmer(missing, config);
    if (cache.size + missing.length > KNOWN_MAX) cache.clear();
    for (const w of missing) cache.set(w, found.get(w) ?? []);
  }
  return split.map((s) => ({
    words: s.words.flatMap((w) => cache.get(w) ?? []),
    han: s.han.map((text) => ({ text, terms: hanTerms(text, mode) })),
  }));
}

export async function analyzeText(
  stemmer: Stemmer | undefined,
  text: string,
  lang: string | undefined,
  mode: ZhMode,
): Promise<Prepared> {
  const [p] = await analyzeTexts(stemmer, [text], lang, mode);
  return p!;
}

/** Every index term of a prepared text, in order (duplicates kept). */
export const termsOf = (p: Prepared) => [...p.words, ...p.han.flatMap((r) => r.terms)];
