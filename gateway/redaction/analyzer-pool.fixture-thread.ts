// A stand-in analyzer thread for analyzer-pool.test.ts: answers like a thread that finds digits
// as PHONE, and misbehaves on request (the pool's supervision is what is tested, with real
// threads). "hang": a recognizer stuck in one synchronous call; "crash": the thread exits;
// "throw": an uncaught error in the thread; "slow": answers after 300 ms.
import { parentPort, threadId } from 'node:worker_threads';
import type { AnalyzerThreadReply, AnalyzerThreadRequest } from './analyzer-pool.ts';
import type { DetectedEntity } from './types.ts';

const port = parentPort!;
port.on('message', (m: AnalyzerThreadRequest) => {
  if (m.text === 'hang') for (;;);
  if (m.text === 'crash') process.exit(3);
  if (m.text === 'throw') throw new Error('thread failure');
  const entities: DetectedEntity[] = [...m.text.matchAll(/\d+/g)].map((d) => ({
    type: 'PHONE',
    start: d.index,
    end: d.index + d[0].length,
    score: m.minScore ?? 1,
    recognizer: m.text.startsWith('which ') ? `thread ${threadId}` : 'digits',
  }));
  const answer = () =>
    port.postMessage({
      id: m.id,
      result: { ok: true, lang: m.options.lang ?? 'en', entities },
    } satisfies AnalyzerThreadReply);
  if (m.text === 'slow') setTimeout(answer, 300);
  else answer();
});
port.postMessage({ ready: true } satisfies AnalyzerThreadReply);
