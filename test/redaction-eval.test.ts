// The PII quality gate in CI: the same evaluation and the same floors as `npm run eval:pii`
// (both defined in test/support/pii-eval.ts), plus the Chinese person-name strategy comparison.
import { beforeAll, describe, expect, it } from 'vitest';
import { zhPersons, type ZhPersonStrategy } from '../gateway/redaction/recognizers/person-zh.ts';
import type { EntityType } from '../gateway/redaction/types.ts';
import { CORPORA, loadCorpus, metrics, score, type Counts } from './support/pii-corpus.ts';
import { FLOORS, evaluate, report, shippedFinder, type Evaluation } from './support/pii-eval.ts';

let evaluation: Evaluation | undefined;

beforeAll(async () => {
  evaluation = await evaluate(shippedFinder());
  console.log(report(evaluation));
}, 120_000);

describe('redaction quality on the labelled corpora (issue 3 floors)', () => {
  it.each(FLOORS.map((f) => [f.name, f] as const))('%s', (_, floor) => {
    if (!evaluation) throw new Error('evaluation did not run');
    const value = floor.measure(evaluation);
    if (floor.min !== undefined) expect(value).toBeGreaterThanOrEqual(floor.min);
    if (floor.max !== undefined) expect(value).toBeLessThanOrEqual(floor.max);
  });
});

describe('Chinese person names: segmenter vs surname list vs combined', () => {
  it('prints the comparison and keeps the combined strategy the best by F1', () => {
    const messages = CORPORA.flatMap((c) => loadCorpus(c)).filter((m) => m.lang === 'zh');
    const f1: Record<string, number> = {};
    for (const strategy of ['segmenter', 'surname', 'combined'] as const satisfies readonly ZhPersonStrategy[]) {
      const counts = new Map<EntityType, Counts>();
      for (const m of messages) {
        const found = zhPersons(m.text, strategy).map((c) => ({ type: 'PERSON' as const, ...c }));
        score(
          m.entities.filter((e) => e.type === 'PERSON'),
          found,
          counts,
        );
      }
      const m = metrics(counts.get('PERSON') ?? { tp: 0, fp: 0, fn: 0 });
      f1[strategy] = m.f1;
      console.log(
        `[pii-eval] zh PERSON ${strategy.padEnd(9)} P ${m.precision.toFixed(2)} R ${m.recall.toFixed(2)} F1 ${m.f1.toFixed(2)}`,
      );
    }
    expect(f1['combined']).toBeGreaterThanOrEqual(Math.max(f1['segmenter'] ?? 0, f1['surname'] ?? 0));
  });
});
