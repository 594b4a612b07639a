// One analyzer thread: runs the stock analyzer (all recognizers) on the texts the pool posts and
// answers each with its result (see analyzer-pool.ts). Dictionaries load and the code warms up
// before it says it is ready, so the first message is not slow.
import { parentPort } from 'node:worker_threads';
import { inProcessAnalyzers, type AnalyzerThreadReply, type AnalyzerThreadRequest } from './analyzer-pool.ts';

const port = parentPort;
if (!port) throw new Error('analyzer-thread.ts runs as a worker thread');

/** one analyzer per configuration (the engine and the output scan ask with different floors) */
const analyzers = inProcessAnalyzers();
const analyzerFor = (minScore: number | undefined, timeoutMs: number | undefined) =>
  analyzers.analyzer({ minScore, timeoutMs });

await analyzers.analyzer()('Warm-up: Jane Doe asked at 10 Downing Street, London, about card 4111 1111 1111 1111.');

port.on('message', (m: AnalyzerThreadRequest) => {
  void analyzerFor(m.minScore, m.timeoutMs)(m.text, m.options)
    .catch(() => ({
      ok: false as const,
      error: { recognizer: 'analyzer', reason: 'threw' as const, message: 'analyzer threw' },
    }))
    .then((result) => port.postMessage({ id: m.id, result } satisfies AnalyzerThreadReply));
});
port.postMessage({ ready: true } satisfies AnalyzerThreadReply);
