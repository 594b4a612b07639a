// One analyzer thread: runs the stock analyzer (all recognizers) on the texts the pool posts and
// answers each with its result (see analyzer-pool.ts). Dictionaries load and the code warms up
// before it says it is ready, so the first message is not slow.
import { parentPort } from 'node:worker_threads';
import { createAnalyzer } from './analyzer.ts';
import type { AnalyzerThreadReply, AnalyzerThreadRequest } from './analyzer-pool.ts';
import type { Analyzer } from './types.ts';

const port = parentPort;
if (!port) throw new Error('analyzer-thread.ts runs as a worker thread');

/** one analyzer per configuration (the engine and the output scan ask with different floors) */
const analyzers = new Map<string, Analyzer>();
function analyzerFor(minScore: number | undefined, timeoutMs: number | undefined): Analyzer {
  const key = `${minScore ?? ''}|${timeoutMs ?? ''}`;
  let analyzer = analyzers.get(key);
  if (!analyzer) {
    analyzer = createAnalyzer({ ...(minScore !== undefined ? { minScore } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    analyzers.set(key, analyzer);
  }
  return analyzer;
}

await analyzerFor(undefined, undefined)('Warm-up: Jane Doe asked at 10 Downing Street, London, about card 4111 1111 1111 1111.');

port.on('message', (m: AnalyzerThreadRequest) => {
  void analyzerFor(m.minScore, m.timeoutMs)(m.text, m.options)
    .catch(() => ({ ok: false as const, error: { recognizer: 'analyzer', reason: 'threw' as const, message: 'analyzer threw' } }))
    .then((result) => port.postMessage({ id: m.id, result } satisfies AnalyzerThreadReply));
});
port.postMessage({ ready: true } satisfies AnalyzerThreadReply);
