// Prints the DEV split's misses of the held-out set (never the test split's): per question its
// language, style, expected topic, the topics found and the confidence, to study failures by style.
//   node --import tsx test/support/kb-misses.ts [lang ...]
import { HELD_OUT } from '../fixtures/kb/held-out.ts';
import { formatHeldOut, runHeldOut } from './kb-heldout.ts';

if (import.meta.url === `file://${process.argv[1]}`) {
  const langs = process.argv.slice(2);
  const dev = HELD_OUT.filter((q) => q.split === 'dev' && (langs.length === 0 || langs.includes(q.lang)));
  const r = await runHeldOut({ questions: dev });
  for (const i of r.items) {
    const q = i.question;
    const right = q.expect === null ? !i.answered : i.answered && i.answeredTopic === q.expect;
    if (right) continue;
    const s = i.signals;
    const sig = s
      ? `b${s.body.toFixed(2)} h${s.heading.toFixed(2)} k${s.known.toFixed(2)} kw${s.knownWeight.toFixed(2)} m${s.margin.toFixed(2)}`
      : '-';
    process.stdout.write(
      `${q.lang} ${q.style.padEnd(10)} want ${String(q.expect).padEnd(22)} got ${i.topics.slice(0, 3).join(',').padEnd(50)} c=${i.confidence.toFixed(2)} ${sig}\n    ${q.q}\n`,
    );
  }
  process.stdout.write(`${formatHeldOut(r, 'dev')}\n`);
}
