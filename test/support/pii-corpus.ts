// Loads the labelled PII corpora (test/fixtures/pii/*.jsonl) and scores analyzer output against them.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ENTITY_TYPES, LANGS, type EntityType } from '../../gateway/redaction/types.ts';

export const LabelledMessage = z.object({
  text: z.string(),
  lang: z.enum(LANGS),
  entities: z.array(z.object({ type: z.enum(ENTITY_TYPES), start: z.number().int(), end: z.number().int() })),
});
export type LabelledMessage = z.infer<typeof LabelledMessage>;

/** hand-written (en, zh, eu), generated (chat: test/fixtures/pii/generate.ts) and adversarial
 * (identifiers in odd shapes and scripts, names without cues, addresses, look-alike numbers) labelled corpora */
export const CORPORA = ['en', 'zh', 'eu', 'chat', 'adversarial'] as const;
export type CorpusName = (typeof CORPORA)[number] | 'no-pii';

export function loadCorpus(name: CorpusName): LabelledMessage[] {
  const url = new URL(`../fixtures/pii/${name}.jsonl`, import.meta.url);
  return readFileSync(url, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => LabelledMessage.parse(JSON.parse(line)));
}

export interface Span {
  type: EntityType;
  start: number;
  end: number;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** a finding counts when it has the gold type, covers at least half of the gold span, and at least
 * half of it lies inside the gold span (so "邮箱是a@b.cn" is not a hit for "a@b.cn") */
function matches(found: Span, gold: Span): boolean {
  const overlap = Math.min(found.end, gold.end) - Math.max(found.start, gold.start);
  return found.type === gold.type && overlap >= (gold.end - gold.start) / 2 && overlap >= (found.end - found.start) / 2;
}

/** adds one message's true/false positives and misses into `counts`, per entity type */
export function score(gold: readonly Span[], found: readonly Span[], counts: Map<EntityType, Counts>): void {
  const used = new Set<number>();
  const get = (t: EntityType): Counts => {
    let c = counts.get(t);
    if (!c) counts.set(t, (c = { tp: 0, fp: 0, fn: 0 }));
    return c;
  };
  for (const g of gold) {
    const hit = found.findIndex((f, i) => !used.has(i) && matches(f, g));
    if (hit >= 0) {
      used.add(hit);
      get(g.type).tp++;
    } else get(g.type).fn++;
  }
  found.forEach((f, i) => {
    if (!used.has(i)) get(f.type).fp++;
  });
}

export interface Metrics {
  precision: number;
  recall: number;
  f1: number;
  /** F-beta with beta = 2: recall weighs four times precision (a miss leaks data, a false hit only hides a word) */
  f2: number;
}

export function metrics(c: Counts): Metrics {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const f2 = precision + recall === 0 ? 0 : (5 * precision * recall) / (4 * precision + recall);
  return { precision, recall, f1, f2 };
}

export function total(counts: Map<EntityType, Counts>): Counts {
  const sum = { tp: 0, fp: 0, fn: 0 };
  for (const c of counts.values()) {
    sum.tp += c.tp;
    sum.fp += c.fp;
    sum.fn += c.fn;
  }
  return sum;
}
