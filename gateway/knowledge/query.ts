// A question as weighted units: each English word is one unit, each Chinese character is one unit
// (covered by any bigram holding it), so question words that glue across a Chinese word boundary
// ("何开" in "如何开通") cost nothing once the real words are found. Weights are term rarity (IDF).
import { correct, editDistance } from './fuzzy.ts';
import { hanTerms, isHan, type Prepared, stem, ZH_LIGHT } from './text.ts';
import type { CorpusStats, ZhMode } from './types.ts';

export interface QueryUnit {
  /** any of these terms in a passage satisfies the unit */
  terms: string[];
  weight: number;
  /** share of the weight a match earns: less for a typo-corrected word or a synonym */
  credit: number;
  /** synonyms: satisfy the unit with SYNONYM_CREDIT */
  alternatives?: string[];
  /** some passage holds one of its terms; units no passage holds are left out of coverage */
  known?: boolean;
  /** a Chinese function character: counts little */
  light?: boolean;
}

export const CORRECTED_CREDIT = 0.6;
/** a long word one edit away from an indexed one ("pasword"): far more often a typo of it than another word */
export const NEAR_CREDIT = 0.8;
const NEAR_MIN_LENGTH = 7;
export const SYNONYM_CREDIT = 0.8;

// Everyday words for what the articles call otherwise; a question word gets the other as an alternative.
const SYNONYM_PAIRS: [string, string][] = [
  ['refused', 'declined'],
  ['rejected', 'declined'],
  ['atm', 'machine'],
  ['wire', 'transfer'],
  ['crash', 'error'],
  ['overseas', 'abroad'],
  ['foreign', 'abroad'],
  ['login', 'log'],
  ['signin', 'log'],
  ['passcode', 'password'],
  ['delete', 'erase'],
  ['cost', 'fee'],
  ['charge', 'fee'],
  ['price', 'fee'],
  ['stolen', 'lost'],
  ['blocked', 'locked'],
  ['unlock', 'locked'],
  ['hours', 'open'],
  ['cheque', 'check'],
  ['steps', 'apply'],
];
/** Index term → terms that mean the same (built from policies/kb-synonyms.yaml per language). */
export type SynonymMap = Map<string, string[]>;

/** Groups of stemmed words → each word's alternatives. */
export function synonymMap(groups: string[][]): SynonymMap {
  const map: SynonymMap = new Map();
  for (const group of groups) {
    for (const a of group) {
      const others = group.filter((b) => b !== a);
      if (others.length) map.set(a, [...new Set([...(map.get(a) ?? []), ...others])]);
    }
  }
  return map;
}

/**
 * Chinese synonyms, matched as written in the question's Han runs (no stemmer): each listed word of
 * two or more characters with its synonyms' bigrams, longest words first.
 */
export type HanSynonyms = { word: string; bigrams: string[] }[];

export function hanSynonyms(groups: string[][]): HanSynonyms {
  const han = groups.map((g) =>
    g.map((w) => w.normalize('NFKC')).filter((w) => [...w].length >= 2 && [...w].every(isHan)),
  );
  return [...synonymMap(han)]
    .map(([word, others]) => ({ word, bigrams: [...new Set(others.flatMap((o) => hanTerms(o, 'bigram')))] }))
    .sort((a, b) => b.word.length - a.word.length || (a.word < b.word ? -1 : 1));
}

/** Per character of a Han run, the bigrams of synonyms of a listed word that covers the character. */
function hanAlternatives(text: string, synonyms: HanSynonyms, stats: CorpusStats): (string[] | undefined)[] {
  const chars = [...text];
  const out: (string[] | undefined)[] = chars.map(() => undefined);
  if (synonyms.length === 0 || chars.length < 2) return out;
  for (const { word, bigrams } of synonyms) {
    let from = text.indexOf(word);
    if (from < 0) continue;
    const known = bigrams.filter((t) => stats.df.has(t));
    if (known.length === 0) continue;
    const wlen = [...word].length;
    for (; from >= 0; from = text.indexOf(word, from + word.length)) {
      const at = [...text.slice(0, from)].length;
      for (let i = at; i < at + wlen; i++) out[i] = [...new Set([...(out[i] ?? []), ...known])];
    }
  }
  return out;
}

/** The light English stemmer's synonyms, for retrieval without a database stemmer (unit tests). */
export const BUILTIN_SYNONYMS = synonymMap(SYNONYM_PAIRS.map(([a, b]) => [stem(a), stem(b)]));

export interface Query {
  units: QueryUnit[];
  /** distinct terms over all units */
  terms: string[];
}

export function idf(stats: CorpusStats, term: string): number {
  const df = stats.df.get(term) ?? 0;
  return Math.log(1 + (stats.passages - df + 0.5) / (df + 0.5));
}

const LIGHT_WEIGHT = 0.15;

// Typo correction scans the vocabulary of the question's analyser (an English question is never
// "corrected" into a Spanish stem); its word (non-Han) part and the corrections already made are
// kept per statistics object, so a refresh of the statistics starts both afresh.
const spelling = new WeakMap<
  CorpusStats,
  Map<string, { words: [string, number][]; corrected: Map<string, string | undefined> }>
>();
const CORRECTIONS_KEPT = 10_000;

function corrected(word: string, stats: CorpusStats, config: string | undefined): string | undefined {
  let perConfig = spelling.get(stats);
  if (!perConfig) spelling.set(stats, (perConfig = new Map()));
  const own = config ? stats.byConfig?.get(config) : undefined;
  const key = own ? config! : '';
  let s = perConfig.get(key);
  if (!s) {
    s = { words: [...(own ?? stats.df).entries()].filter(([t]) => !isHan(t)), corrected: new Map() };
    perConfig.set(key, s);
  }
  if (s.corrected.has(word)) return s.corrected.get(word);
  const found = correct(word, s.words);
  if (s.corrected.size >= CORRECTIONS_KEPT) s.corrected.clear();
  s.corrected.set(word, found);
  return found;
}

export function buildQuery(
  p: Prepared,
  stats: CorpusStats,
  mode: ZhMode,
  synonyms: SynonymMap = BUILTIN_SYNONYMS,
  /** the question's text-search configuration: typo corrections come from its passages' words */
  config?: string,
  /** Chinese synonyms (bigram mode): a listed word's characters are also satisfied by its synonyms' bigrams */
  hanSynonymList: HanSynonyms = [],
): Query {
  const units: QueryUnit[] = [];
  for (const word of p.words) {
    const own = synonyms.get(word)?.filter((t) => stats.df.has(t));
    // A known synonym beats a typo correction ("crashing" is not a misspelt "cashing").
    const fixed = stats.df.has(word) || own?.length ? undefined : corrected(word, stats, config);
    const term = fixed ?? word;
    const alternatives = fixed ? synonyms.get(term)?.filter((t) => stats.df.has(t)) : own;
    units.push({
      terms: [term],
      weight: idf(stats, term),
      credit: !fixed
        ? 1
        : word.length >= NEAR_MIN_LENGTH && editDistance(word, fixed, 1) <= 1
          ? NEAR_CREDIT
          : CORRECTED_CREDIT,
      ...(alternatives?.length ? { alternatives } : {}),
    });
  }
  for (const run of p.han) {
    if (mode === 'segment') {
      for (const t of run.terms)
        units.push({ terms: [t], weight: idf(stats, t) * (t.length === 1 ? LIGHT_WEIGHT * 3 : 1), credit: 1 });
      continue;
    }
    const chars = [...run.text];
    const alternativesAt = hanAlternatives(run.text, hanSynonymList, stats);
    if (chars.length === 1) {
      units.push({
        terms: [run.text],
        weight: idf(stats, run.text) * (ZH_LIGHT.has(run.text) ? LIGHT_WEIGHT : 1),
        credit: 1,
        ...(ZH_LIGHT.has(run.text) ? { light: true } : {}),
      });
      continue;
    }
    chars.forEach((ch, i) => {
      const holding = [run.terms[i - 1], run.terms[i]].filter((t): t is string => t !== undefined && isHan(t));
      const alternatives = alternativesAt[i]?.filter((t) => !holding.includes(t));
      // With synonyms, the unit weighs what its rarest known term does (an unknown bigram such as a
      // misspelt word's would otherwise weigh the most, once a synonym makes the unit known).
      const known = alternatives?.length ? [...holding, ...alternatives].filter((t) => stats.df.has(t)) : [];
      const weight = Math.max(...(known.length ? known : holding).map((t) => idf(stats, t)));
      units.push({
        terms: holding,
        weight: ZH_LIGHT.has(ch) ? weight * LIGHT_WEIGHT : weight,
        credit: 1,
        ...(ZH_LIGHT.has(ch) ? { light: true } : {}),
        ...(alternatives?.length ? { alternatives } : {}),
      });
    });
  }
  for (const u of units) u.known = [...u.terms, ...(u.alternatives ?? [])].some((t) => stats.df.has(t));
  return { units, terms: [...new Set(units.flatMap((u) => [...u.terms, ...(u.alternatives ?? [])]))] };
}
