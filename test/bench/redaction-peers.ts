// Palisade beside `redact-pii` (npm) on the same messages, in one run: throughput on 200-character
// English messages (one core, end to end: language detection, recognizers, policy, placeholders)
// and recall per type on the project's labelled corpora and, when PII_PRESIDIO_PATH names a copy of
// presidio-research's data/synth_dataset_v2.json (not committed), on that synthetic set.
//
// Recall here is "did the value get out", judged the same way for both tools on their output text:
// a structured value leaks when its letters and digits (NFKC, any separators) still appear in a row;
// a name leaks when any of its words does; an address leaks when more than a third of its words do.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import type { Lang } from '../../gateway/redaction/types.ts';
import { Vault } from '../../gateway/redaction/vault.ts';
import { CORPORA, loadCorpus } from '../support/pii-corpus.ts';
import { leaked, loadPresidio } from '../support/pii-presidio.ts';
import type { Emit } from './emit.ts';

interface Gold {
  type: string;
  value: string;
}
interface Case {
  text: string;
  lang: Lang;
  gold: Gold[];
}
type Redact = (text: string, lang: Lang) => Promise<string> | string;

function projectCases(corpus: (typeof CORPORA)[number] | 'no-pii'): Case[] {
  return loadCorpus(corpus).map((m) => ({
    text: m.text,
    lang: m.lang,
    gold: m.entities.map((e) => ({ type: e.type, value: m.text.slice(e.start, e.end) })),
  }));
}

function presidioCases(path: string): Case[] {
  // Only the held-out half: the other half is the one recognisers are tuned on.
  return loadPresidio(path)
    .filter((m) => m.half === 'held-out')
    .map((m) => ({ text: m.text, lang: 'en' as const, gold: m.gold.map((g) => ({ type: g.type, value: g.value })) }));
}

async function recall(
  redact: Redact,
  cases: readonly Case[],
): Promise<{ perType: Record<string, string>; cleanUnchanged: string }> {
  const hits = new Map<string, { caught: number; total: number }>();
  let clean = 0;
  let unchanged = 0;
  for (const c of cases) {
    const out = await redact(c.text, c.lang);
    if (c.gold.length === 0) {
      clean++;
      if (out === c.text) unchanged++;
    }
    for (const g of c.gold) {
      const h = hits.get(g.type) ?? { caught: 0, total: 0 };
      hits.set(g.type, { caught: h.caught + (leaked(g, out) ? 0 : 1), total: h.total + 1 });
    }
  }
  const perType = Object.fromEntries(
    [...hits]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, h]) => [t, `${(h.caught / h.total).toFixed(2)} (${h.total - h.caught} leaks/${h.total})`]),
  );
  return { perType, cleanUnchanged: clean === 0 ? '-' : `${unchanged}/${clean}` };
}

/** corpus lines of English joined until ~200 characters, cut at a space */
function englishMessages(count: number): string[] {
  const lines = [...projectCases('en'), ...projectCases('chat'), ...projectCases('no-pii')]
    .filter((c) => c.lang === 'en')
    .map((c) => c.text);
  const out: string[] = [];
  let j = 0;
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < 200) text += `${lines[j++ % lines.length] ?? ''} `;
    const cut = text.lastIndexOf(' ', 200);
    out.push(text.slice(0, cut > 180 ? cut : 200));
  }
  return out;
}

/** messages per second of wall clock, and per CPU-second of the process (user + system): on a
 * shared machine the wall clock mostly measures the wait for a core, the CPU time does not */
async function throughput(
  redact: Redact,
  messages: readonly string[],
  rounds: number,
): Promise<{ wall: number; cpu: number }> {
  for (const m of messages.slice(0, 200)) await redact(m, 'en');
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  for (let r = 0; r < rounds; r++) for (const m of messages) await redact(m, 'en');
  const cpu = process.cpuUsage(cpuBefore);
  const n = messages.length * rounds;
  return { wall: (n * 1000) / (performance.now() - started), cpu: (n * 1e6) / (cpu.user + cpu.system) };
}

export async function benchRedactionPeers(
  emit: Emit,
  options: { presidioPath?: string; quick?: boolean } = {},
): Promise<void> {
  const yaml = readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8');
  const engine = createDefaultRedactionEngine({
    policy: loadRedactionPolicyFromYamlText(yaml),
    hmacKey: new Uint8Array(32).fill(7),
  });
  const palisade: Redact = async (text) => {
    // No language hint: detection is part of the end-to-end work.
    const r = await engine.redact({ text, vault: new Vault() });
    if (!r.ok) throw new Error(`redaction failed during the benchmark: ${r.error.id}`);
    return r.text;
  };
  const { SyncRedactor } = createRequire(import.meta.url)('redact-pii') as {
    SyncRedactor: new () => { redact(text: string): string };
  };
  const peer = new SyncRedactor();
  const redactPii: Redact = (text) => peer.redact(text);

  const messages = englishMessages(options.quick ? 200 : 1000);
  const rounds = options.quick ? 1 : 3;
  const ours = await throughput(palisade, messages, rounds);
  const theirs = await throughput(redactPii, messages, rounds);
  emit({
    bench: 'redaction.peers.throughput',
    shape: '200-char en',
    palisade_msgs_per_s: Math.round(ours.wall),
    redact_pii_msgs_per_s: Math.round(theirs.wall),
    ratio: Number((ours.wall / theirs.wall).toFixed(2)),
    palisade_msgs_per_cpu_s: Math.round(ours.cpu),
    redact_pii_msgs_per_cpu_s: Math.round(theirs.cpu),
  });

  const sets: [string, Case[]][] = [
    ...CORPORA.map((c): [string, Case[]] => [c, projectCases(c)]),
    ['no-pii', projectCases('no-pii')],
  ];
  if (options.presidioPath) sets.push(['presidio-synth held-out', presidioCases(options.presidioPath)]);
  for (const [corpus, cases] of sets) {
    for (const [tool, redact] of [
      ['palisade', palisade],
      ['redact-pii', redactPii],
    ] as const) {
      const r = await recall(redact, cases);
      emit({
        bench: 'redaction.peers.recall',
        corpus,
        tool,
        messages: cases.length,
        clean_unchanged: r.cleanUnchanged,
        ...r.perType,
      });
    }
  }
  if (!options.presidioPath)
    emit({
      bench: 'redaction.peers.recall',
      corpus: 'presidio-synth',
      skipped: 'set PII_PRESIDIO_PATH to data/synth_dataset_v2.json of presidio-research',
    });
}
