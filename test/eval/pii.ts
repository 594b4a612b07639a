// `npm run eval:pii`: precision / recall / F2 per entity and language on the labelled corpora, the
// false-positive rate on the no-PII set, and a non-zero exit when a floor (test/support/pii-eval.ts) fails.
import { checkFloors, evaluate, report, shippedFinder } from '../support/pii-eval.ts';

const evaluation = await evaluate(shippedFinder());
console.log(report(evaluation));
const failed = checkFloors(evaluation).filter((c) => !c.ok);
if (failed.length > 0) {
  console.error(`\n${failed.length} floor(s) failed: ${failed.map((c) => c.floor.name).join('; ')}`);
  process.exitCode = 1;
}
