// Analyzer throughput and per-message latency on the labelled corpora, all recognizers on, one core.
import { createAnalyzer } from '../../gateway/redaction/analyzer.ts';
import { loadCorpus, type CorpusName } from '../support/pii-corpus.ts';

const ROUNDS = 5;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchRedaction(emit: (row: Record<string, unknown>) => void): Promise<void> {
  const analyze = createAnalyzer();
  const sets: { lang: string; corpus: CorpusName | 'long'; texts: string[] }[] = [
    { lang: 'en', corpus: 'en', texts: loadCorpus('en').map((m) => m.text) },
    { lang: 'zh', corpus: 'zh', texts: loadCorpus('zh').map((m) => m.text) },
    { lang: 'eu', corpus: 'eu', texts: loadCorpus('eu').map((m) => m.text) },
  ];
  // 4,000-character messages: corpus lines joined until long enough (mixed PII and chatter).
  const en = sets[0]?.texts ?? [];
  const long: string[] = [];
  for (let i = 0; i < 20; i++) {
    let text = '';
    for (let j = i; text.length < 4000; j++) text += `${en[j % en.length] ?? ''} `;
    long.push(text.slice(0, 4000));
  }
  sets.push({ lang: 'en', corpus: 'long', texts: long });

  for (const set of sets) {
    for (const text of set.texts) await analyze(text); // warm the JIT and caches
    const latencies: number[] = [];
    let chars = 0;
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) {
      for (const text of set.texts) {
        const t = performance.now();
        const result = await analyze(text);
        latencies.push(performance.now() - t);
        if (!result.ok) throw new Error(`analysis failed during the benchmark: ${result.error.message}`);
        chars += text.length;
      }
    }
    const elapsed = performance.now() - started;
    latencies.sort((a, b) => a - b);
    emit({
      bench: 'redaction.analyze',
      lang: set.lang,
      corpus: set.corpus,
      messages: latencies.length,
      avg_chars: Math.round(chars / latencies.length),
      msgs_per_s: Math.round((latencies.length / elapsed) * 1000),
      p50_ms: Number(percentile(latencies, 50).toFixed(3)),
      p99_ms: Number(percentile(latencies, 99).toFixed(3)),
    });
  }
}
