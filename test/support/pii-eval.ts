// The PII quality evaluation shared by `npm run eval:pii` (test/eval/pii.ts) and the vitest gate
// (test/redaction-eval.test.ts): one place runs the corpora through the shipped engine and policy,
// and one place defines the floors both of them enforce.
import { readFileSync } from 'node:fs';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import type { EntityType, Lang } from '../../gateway/redaction/types.ts';
import { Vault } from '../../gateway/redaction/vault.ts';
import { CORPORA, loadCorpus, metrics, score, total, type Counts, type Span } from './pii-corpus.ts';

export type Finder = (text: string, lang: Lang) => Promise<Span[]>;

export interface Evaluation {
  /** per language, per entity type */
  byLang: Map<Lang, Map<EntityType, Counts>>;
  /** all languages pooled, per entity type */
  overall: Map<EntityType, Counts>;
  /** per corpus file (en, zh, eu, chat, adversarial), per entity type */
  byCorpus: Map<string, Map<EntityType, Counts>>;
  /** messages with no labelled entity (per corpus) and how many of them the finder left alone */
  clean: Map<string, { messages: number; unchanged: number }>;
  noPii: { messages: number; flagged: number; byLang: Map<Lang, { messages: number; flagged: number }> };
}

/** what ships: the stock analyzer behind the engine with policies/redaction.yaml (thresholds, allow
 * list); the redacted text and the spans it replaced */
export function shippedRedactor(): (text: string, lang?: Lang) => Promise<{ text: string; entities: Span[] }> {
  const yaml = readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8');
  const engine = createDefaultRedactionEngine({
    policy: loadRedactionPolicyFromYamlText(yaml),
    hmacKey: new Uint8Array(32).fill(7),
  });
  return async (text, lang) => {
    const result = await engine.redact(
      lang === undefined ? { text, vault: new Vault() } : { text, lang, vault: new Vault() },
    );
    if (!result.ok) throw new Error(`redaction failed on a corpus line: ${result.error.id}`);
    return result;
  };
}

export function shippedFinder(): Finder {
  const redact = shippedRedactor();
  return async (text, lang) => (await redact(text, lang)).entities;
}

function countsFor<K>(map: Map<K, Map<EntityType, Counts>>, key: K): Map<EntityType, Counts> {
  let counts = map.get(key);
  if (!counts) map.set(key, (counts = new Map()));
  return counts;
}

export async function evaluate(find: Finder): Promise<Evaluation> {
  const byLang = new Map<Lang, Map<EntityType, Counts>>();
  const overall = new Map<EntityType, Counts>();
  const byCorpus = new Map<string, Map<EntityType, Counts>>();
  const clean = new Map<string, { messages: number; unchanged: number }>();
  for (const corpus of CORPORA) {
    for (const message of loadCorpus(corpus)) {
      const found = await find(message.text, message.lang);
      score(message.entities, found, countsFor(byLang, message.lang));
      score(message.entities, found, overall);
      score(message.entities, found, countsFor(byCorpus, corpus));
      if (message.entities.length === 0) {
        const c = clean.get(corpus) ?? { messages: 0, unchanged: 0 };
        clean.set(corpus, { messages: c.messages + 1, unchanged: c.unchanged + (found.length === 0 ? 1 : 0) });
      }
    }
  }
  const noPii: Evaluation['noPii'] = { messages: 0, flagged: 0, byLang: new Map() };
  for (const message of loadCorpus('no-pii')) {
    const flagged = (await find(message.text, message.lang)).length > 0 ? 1 : 0;
    const lang = noPii.byLang.get(message.lang) ?? { messages: 0, flagged: 0 };
    noPii.byLang.set(message.lang, { messages: lang.messages + 1, flagged: lang.flagged + flagged });
    noPii.messages++;
    noPii.flagged += flagged;
  }
  return { byLang, overall, byCorpus, clean, noPii };
}

export function recall(counts: Map<EntityType, Counts> | undefined, type: EntityType): number {
  return metrics(counts?.get(type) ?? { tp: 0, fp: 0, fn: 0 }).recall;
}

export function cleanUnchanged(e: Evaluation, corpus: string): number {
  const c = e.clean.get(corpus);
  return !c || c.messages === 0 ? 1 : c.unchanged / c.messages;
}

export function falsePositiveRate(e: Evaluation): number {
  return e.noPii.messages === 0 ? 0 : e.noPii.flagged / e.noPii.messages;
}

export interface Floor {
  name: string;
  measure: (e: Evaluation) => number;
  /** the measure must be ≥ min (or ≤ max) */
  min?: number;
  max?: number;
}

// The floors. Checksum-validated entities, EMAIL and PHONE are the values a leak costs most
// and a recognizer can find near-certainly (the checksum or the syntax decides), so 0.99 recall:
// pooled over languages, because per language one miss among a dozen examples would read as 0.92.
// English PERSON rests on NLP and capitalisation, so 0.90. A no-PII message with any finding is a
// false alarm the agent sees as a redacted word: at most 2% of them.
export const MUST_NOT_MISS: readonly EntityType[] = [
  'CREDIT_CARD',
  'IBAN',
  'US_SSN',
  'CN_RESIDENT_ID',
  'DE_TAX_ID',
  'FR_NIR',
  'NL_BSN',
  'ES_NIF',
  'IT_FISCAL_CODE',
  'PL_PESEL',
  'EMAIL',
  'PHONE',
];
export const FLOORS: readonly Floor[] = [
  ...MUST_NOT_MISS.map((type): Floor => ({
    name: `${type} recall (all languages)`,
    measure: (e) => recall(e.overall, type),
    min: 0.99,
  })),
  { name: 'PERSON recall (en)', measure: (e) => recall(e.byLang.get('en'), 'PERSON'), min: 0.9 },
  { name: 'PERSON recall (zh)', measure: (e) => recall(e.byLang.get('zh'), 'PERSON'), min: 0.9 },
  { name: 'ADDRESS recall (all languages)', measure: (e) => recall(e.overall, 'ADDRESS'), min: 0.8 },
  { name: 'adversarial clean messages unchanged', measure: (e) => cleanUnchanged(e, 'adversarial'), min: 0.9 },
  { name: 'no-PII false-positive rate', measure: falsePositiveRate, max: 0.02 },
];

export function checkFloors(e: Evaluation): { floor: Floor; value: number; ok: boolean }[] {
  return FLOORS.map((floor) => {
    const value = floor.measure(e);
    const ok = (floor.min === undefined || value >= floor.min) && (floor.max === undefined || value <= floor.max);
    return { floor, value, ok };
  });
}

const fmt = (n: number): string => n.toFixed(2);

function table(title: string, counts: Map<EntityType, Counts>): string {
  const rows = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, c]) => {
      const m = metrics(c);
      return `  ${type.padEnd(15)} P ${fmt(m.precision)}  R ${fmt(m.recall)}  F2 ${fmt(m.f2)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn})`;
    });
  const all = metrics(total(counts));
  return `${title}: P ${fmt(all.precision)} R ${fmt(all.recall)} F2 ${fmt(all.f2)}\n${rows.join('\n')}`;
}

export function report(e: Evaluation): string {
  const parts = [...e.byLang.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([lang, counts]) => table(`[${lang}]`, counts));
  parts.push(table('[all languages]', e.overall));
  for (const [corpus, counts] of e.byCorpus) {
    const c = e.clean.get(corpus);
    parts.push(
      table(`[corpus ${corpus}]`, counts) + (c ? `\n  clean messages unchanged ${c.unchanged}/${c.messages}` : ''),
    );
  }
  const perLang = [...e.noPii.byLang.entries()].map(([lang, n]) => `${lang} ${n.flagged}/${n.messages}`).join(', ');
  parts.push(
    `[no-PII] flagged ${e.noPii.flagged}/${e.noPii.messages} = ${(falsePositiveRate(e) * 100).toFixed(1)}% (${perLang})`,
  );
  const floors = checkFloors(e).map(({ floor, value, ok }) => {
    const bound = floor.min !== undefined ? `≥ ${floor.min}` : `≤ ${floor.max}`;
    return `  ${ok ? 'ok  ' : 'FAIL'} ${floor.name.padEnd(36)} ${value.toFixed(3)} (floor ${bound})`;
  });
  parts.push(`[floors]\n${floors.join('\n')}`);
  return parts.join('\n\n');
}
