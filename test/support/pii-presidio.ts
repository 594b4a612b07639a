// presidio-research's synthetic set (data/synth_dataset_v2.json, read from a path given at run time,
// never committed), split in two halves by a fixed hash of each message: `tune` is the half
// recognisers may be tuned on, `held-out` the half whose numbers are reported. Scored two ways:
// spans (a finding of the gold type covering at least half of the gold span and lying half inside
// it, as for the project's corpora) for precision and recall, and "did the value get out" of the
// engine's output text, as the peer benchmark judges it.
import { readFileSync } from 'node:fs';
import { foldDigits } from '../../gateway/redaction/normalize.ts';
import type { EntityType } from '../../gateway/redaction/types.ts';
import { metrics, score, type Counts, type Span } from './pii-corpus.ts';

export type PresidioHalf = 'tune' | 'held-out';

export interface PresidioMessage {
  text: string;
  half: PresidioHalf;
  gold: (Span & { value: string })[];
}

export const PRESIDIO_TYPES: Readonly<Record<string, EntityType>> = {
  PERSON: 'PERSON',
  STREET_ADDRESS: 'ADDRESS',
  CREDIT_CARD: 'CREDIT_CARD',
  PHONE_NUMBER: 'PHONE',
  EMAIL_ADDRESS: 'EMAIL',
  IBAN_CODE: 'IBAN',
  US_SSN: 'US_SSN',
  IP_ADDRESS: 'IP_ADDRESS',
};

/** FNV-1a of the text: the same message always falls in the same half */
export function halfOf(text: string): PresidioHalf {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h % 2 === 0 ? 'tune' : 'held-out';
}

const Row = (
  r: unknown,
): r is {
  full_text: string;
  spans: { entity_type: string; entity_value: string; start_position: number; end_position: number }[];
} =>
  typeof r === 'object' &&
  r !== null &&
  typeof (r as { full_text?: unknown }).full_text === 'string' &&
  Array.isArray((r as { spans?: unknown }).spans);

export function loadPresidio(path: string): PresidioMessage[] {
  const rows: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(rows) || !rows.every(Row))
    throw new Error(`${path} is not presidio-research's synth_dataset_v2.json`);
  return rows.map((r) => ({
    text: r.full_text,
    half: halfOf(r.full_text),
    gold: r.spans.flatMap((s) => {
      const type = PRESIDIO_TYPES[s.entity_type];
      return type ? [{ type, start: s.start_position, end: s.end_position, value: s.entity_value }] : [];
    }),
  }));
}

/** spans: every finding of a scored type that matches no gold span is a false positive of its type */
export function scorePresidio(message: PresidioMessage, found: readonly Span[], counts: Map<EntityType, Counts>): void {
  const scored = new Set(Object.values(PRESIDIO_TYPES));
  score(
    message.gold,
    found.filter((f) => scored.has(f.type)),
    counts,
  );
}

/** one message's misses and false hits of the given types, as printable lines (empty when it scores clean) */
export function presidioMisses(message: PresidioMessage, found: readonly Span[], types: readonly string[]): string[] {
  const mine = (spans: readonly Span[]): Span[] => spans.filter((s) => types.includes(s.type));
  const gold = mine(message.gold);
  const hits = mine(found);
  const counts = new Map<EntityType, Counts>();
  score(gold, hits, counts);
  if ([...counts.values()].every((c) => c.fn === 0 && c.fp === 0)) return [];
  const show = (spans: readonly Span[]): string =>
    spans.map((s) => `${s.type} ${JSON.stringify(message.text.slice(s.start, s.end))}`).join(', ') || '-';
  return [`MISS ${JSON.stringify(message.text)}\n  gold:  ${show(gold)}\n  found: ${show(hits)}`];
}

export function presidioTable(
  title: string,
  counts: Map<EntityType, Counts>,
  leaks: Map<EntityType, { leaked: number; total: number }>,
): string {
  const rows = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, c]) => {
      const m = metrics(c);
      const l = leaks.get(type);
      const out = l
        ? `  not out ${((l.total - l.leaked) / l.total).toFixed(2)} (${l.leaked} of ${l.total} got out)`
        : '';
      return `  ${type.padEnd(12)} P ${m.precision.toFixed(2)}  R ${m.recall.toFixed(2)}  (tp ${c.tp} fp ${c.fp} fn ${c.fn})${out}`;
    });
  return `${title}\n${rows.join('\n')}`;
}

const WORDS = /[\p{L}\p{N}]+/gu;
const compact = (s: string): string =>
  foldDigits(s.normalize('NFKC'))
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
const words = (s: string): string[] =>
  (foldDigits(s.normalize('NFKC')).toLowerCase().match(WORDS) ?? []).filter((w) => w.length >= 2);

/** "did the value get out": a structured value leaks when its letters and digits (NFKC, any
 * separators) still appear in a row; a name when any of its words does; an address when more than a
 * third of its words do */
export function leaked(gold: { type: string; value: string }, output: string): boolean {
  if (gold.type === 'PERSON' || gold.type === 'ADDRESS') {
    const han = /\p{Script=Han}/u.test(gold.value);
    if (han) return compact(output).includes(compact(gold.value));
    const left = new Set(words(output));
    const mine = words(gold.value);
    const surviving = mine.filter((w) => left.has(w)).length;
    return gold.type === 'PERSON' ? surviving > 0 : surviving > mine.length / 3;
  }
  const value = compact(gold.value);
  return value.length > 0 && compact(output).includes(value);
}
