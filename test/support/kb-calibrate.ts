// Fits the confidence model (gateway/knowledge/confidence.ts) on the DEV split of the held-out
// set: logistic regression of "the first article is the right one" on the retrieval signals.
// Unanswerable questions count as wrong whatever comes first. Run:
//   node --import tsx test/support/kb-calibrate.ts
// and copy the printed weights into CALIBRATION. The test split is never read here.
import { CALIBRATION } from '../../gateway/knowledge/confidence.ts';
import { HELD_OUT } from '../fixtures/kb/held-out.ts';
import { runHeldOut } from './kb-heldout.ts';

const FEATURES = ['body', 'heading', 'known', 'knownWeight', 'han', 'margin', 'length'] as const;

export function fitLogistic(rows: { x: number[]; y: number }[], iterations = 20_000, rate = 0.5, l2 = 0.01): number[] {
  const w = new Array<number>(rows[0]!.x.length + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(w.length).fill(0);
    for (const { x, y } of rows) {
      const z = w[0]! + x.reduce((a, v, i) => a + v * w[i + 1]!, 0);
      const err = 1 / (1 + Math.exp(-z)) - y;
      grad[0]! += err;
      x.forEach((v, i) => (grad[i + 1]! += err * v));
    }
    for (let i = 0; i < w.length; i++) w[i]! -= rate * (grad[i]! / rows.length + (i > 0 ? l2 * w[i]! : 0));
  }
  return w;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dev = HELD_OUT.filter((q) => q.split === 'dev');
  const r = await runHeldOut({ questions: dev });
  const rows = r.items
    .filter((i) => i.signals)
    .map((i) => ({
      x: [...FEATURES.map((f) => i.signals![f]), i.signals!.body * i.signals!.knownWeight],
      y: i.question.expect !== null && i.topics[0] === i.question.expect ? 1 : 0,
    }));
  const w = fitLogistic(rows);
  const fitted = {
    bias: +w[0]!.toFixed(2),
    ...Object.fromEntries(FEATURES.map((f, i) => [f, +w[i + 1]!.toFixed(2)])),
    covered: +w[FEATURES.length + 1]!.toFixed(2),
  };
  console.log(`dev questions with a result: ${rows.length}; positives: ${rows.filter((x) => x.y).length}`);
  console.log('current:', JSON.stringify(CALIBRATION));
  console.log('fitted: ', JSON.stringify(fitted));
}
