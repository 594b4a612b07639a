// Analyzer throughput and per-message latency, all recognizers on, one core, in two shapes:
// 200-character chat messages in mixed languages and 4,000-character messages, both built
// from the labelled corpora (so they hold personal data at the corpus' density).
import { createAnalyzer } from '../../gateway/redaction/analyzer.ts';
import type { Lang } from '../../gateway/redaction/types.ts';
import { CORPORA, loadCorpus } from '../support/pii-corpus.ts';
import { benchRedactionPeers } from './redaction-peers.ts';

const MESSAGES_PER_SHAPE = { 200: 600, 4000: 40 } as const;
const ROUNDS = { 200: 5, 4000: 3 } as const;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** corpus lines of one language joined (in a fixed shuffled order) until `length`, cut at a space */
function build(lines: readonly string[], length: number, count: number, start: number): string[] {
  const out: string[] = [];
  let j = start;
  for (let i = 0; i < count; i++) {
    let text = '';
    while (text.length < length) text += `${lines[j++ % lines.length] ?? ''} `;
    const cut = text.lastIndexOf(' ', length);
    out.push(text.slice(0, cut > length * 0.9 ? cut : length));
  }
  return out;
}

export async function benchRedaction(
  emit: (row: Record<string, unknown>) => void,
  options: { presidioPath?: string; quick?: boolean } = {},
): Promise<void> {
  const analyze = createAnalyzer();
  const byLang = new Map<Lang, string[]>();
  for (const corpus of [...CORPORA, 'no-pii' as const]) {
    for (const m of loadCorpus(corpus)) byLang.set(m.lang, [...(byLang.get(m.lang) ?? []), m.text]);
  }
  const langs = [...byLang.keys()];
  for (const length of [200, 4000] as const) {
    // Round-robin over languages, so consecutive messages switch language as a shared queue would.
    const perLang = Math.ceil(MESSAGES_PER_SHAPE[length] / langs.length);
    const sets = langs.map((lang, k) => build(byLang.get(lang) ?? [], length, perLang, k * 7));
    const messages: { lang: Lang; text: string }[] = [];
    for (let i = 0; i < perLang; i++)
      sets.forEach((set, k) => messages.push({ lang: langs[k] ?? 'en', text: set[i] ?? '' }));

    for (const m of messages.slice(0, 200)) await analyze(m.text); // warm the JIT
    const latencies: number[] = [];
    const perLangLatency = new Map<Lang, number[]>();
    let chars = 0;
    const started = performance.now();
    for (let round = 0; round < ROUNDS[length]; round++) {
      for (const m of messages) {
        const t = performance.now();
        // No language hint: detection is part of the work a mixed-language queue pays for.
        const result = await analyze(m.text);
        const ms = performance.now() - t;
        if (!result.ok) throw new Error(`analysis failed during the benchmark: ${result.error.message}`);
        latencies.push(ms);
        perLangLatency.set(m.lang, [...(perLangLatency.get(m.lang) ?? []), ms]);
        chars += m.text.length;
      }
    }
    const elapsed = performance.now() - started;
    const row = (shape: string, lat: number[], msgsPerS: number): Record<string, unknown> => {
      lat.sort((a, b) => a - b);
      return {
        bench: 'redaction.analyze',
        shape,
        messages: lat.length,
        avg_chars: Math.round(chars / latencies.length),
        msgs_per_s: Math.round(msgsPerS),
        p50_ms: Number(percentile(lat, 50).toFixed(3)),
        p99_ms: Number(percentile(lat, 99).toFixed(3)),
      };
    };
    emit(row(`${length}-char mixed`, latencies, (latencies.length / elapsed) * 1000));
    for (const [lang, lat] of perLangLatency) {
      const total = lat.reduce((a, b) => a + b, 0);
      emit({ ...row(`${length}-char ${lang}`, lat, (lat.length / total) * 1000) });
    }
  }
  await benchRedactionPeers(emit, options);
}
