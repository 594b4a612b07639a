// A small but real analyzer for the engine's own tests (the recognizers are tested on their
// own): emails, phones, cards and IBANs by pattern, people from a fixed list of names.
import type { Analyzer, DetectedEntity, EntityType } from '../types.ts';

const PATTERNS: Array<{ type: EntityType; regex: RegExp; score: number }> = [
  { type: 'EMAIL', regex: /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu, score: 0.95 },
  { type: 'IBAN', regex: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b/g, score: 0.9 },
  { type: 'CREDIT_CARD', regex: /(?<![\d])\d{4}(?:[ -]?\d{4}){3}(?![\d])/g, score: 0.9 },
  { type: 'PHONE', regex: /(?<![\w+])\+?[\d０-９][\d０-９ ()-]{6,}[\d０-９]/gu, score: 0.7 },
];

export const KNOWN_PEOPLE = ['Alice Smith', 'Bob Jones', 'Carol', '张伟'];

export function createRegexAnalyzer(people: readonly string[] = KNOWN_PEOPLE, personScore = 0.85): Analyzer {
  const names = people.map((n) => new RegExp(n.replace(/\s+/g, '\\s+'), 'giu'));
  return async (text, options) => {
    const entities: DetectedEntity[] = [];
    const taken = (s: number, e: number) => entities.some((x) => s < x.end && x.start < e);
    for (const { type, regex, score } of PATTERNS) {
      for (const m of text.matchAll(regex)) {
        const start = m.index;
        const end = start + m[0].length;
        if (!taken(start, end)) entities.push({ type, start, end, score, recognizer: `regex-${type.toLowerCase()}` });
      }
    }
    for (const regex of names) {
      for (const m of text.matchAll(regex)) {
        entities.push({
          type: 'PERSON',
          start: m.index,
          end: m.index + m[0].length,
          score: personScore,
          recognizer: 'name-list',
        });
      }
    }
    return { ok: true, lang: options?.lang ?? 'en', entities: entities.sort((a, b) => a.start - b.start) };
  };
}
