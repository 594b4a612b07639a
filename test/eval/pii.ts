// `npm run eval:pii`: precision / recall / F2 per entity and language on the labelled corpora, the
// false-positive rate on the no-PII set, and a non-zero exit when a floor (test/support/pii-eval.ts) fails.
// With PII_PRESIDIO_PATH naming presidio-research's data/synth_dataset_v2.json, also that set's two
// halves (test/support/pii-presidio.ts): `tune` (recognisers may be tuned on it) and `held-out`
// (the numbers to report). PII_MISSES=PHONE,PERSON prints the tune half's misses and false hits of
// those types, one message per line (never the held-out half's: its numbers stay untuned).
import { checkFloors, evaluate, report, shippedFinder, shippedRedactor } from '../support/pii-eval.ts';
import { leaked, loadPresidio, presidioMisses, presidioTable, scorePresidio } from '../support/pii-presidio.ts';
import type { Counts } from '../support/pii-corpus.ts';
import type { EntityType } from '../../gateway/redaction/types.ts';

const evaluation = await evaluate(shippedFinder());
console.log(report(evaluation));
const failed = checkFloors(evaluation).filter((c) => !c.ok);

const presidioPath = process.env['PII_PRESIDIO_PATH'];
if (presidioPath) {
  const redact = shippedRedactor();
  const messages = loadPresidio(presidioPath);
  const missTypes = (process.env['PII_MISSES'] ?? '').split(',').filter((t) => t !== '');
  for (const half of ['tune', 'held-out'] as const) {
    const counts = new Map<EntityType, Counts>();
    const leaks = new Map<EntityType, { leaked: number; total: number }>();
    const mine = messages.filter((m) => m.half === half);
    let clean = 0;
    let unchanged = 0;
    for (const m of mine) {
      const out = await redact(m.text, 'en');
      scorePresidio(m, out.entities, counts);
      if (half === 'tune') for (const line of presidioMisses(m, out.entities, missTypes)) console.log(line);
      if (m.gold.length === 0) {
        clean++;
        if (out.text === m.text) unchanged++;
      }
      for (const g of m.gold) {
        const l = leaks.get(g.type) ?? { leaked: 0, total: 0 };
        leaks.set(g.type, { leaked: l.leaked + (leaked(g, out.text) ? 1 : 0), total: l.total + 1 });
      }
    }
    console.log(
      `\n${presidioTable(`[presidio-research synthetic, ${half} half: ${mine.length} messages]`, counts, leaks)}\n  messages without a scored value left unchanged ${unchanged}/${clean}`,
    );
  }
}
if (failed.length > 0) {
  console.error(`\n${failed.length} floor(s) failed: ${failed.map((c) => c.floor.name).join('; ')}`);
  process.exitCode = 1;
}
