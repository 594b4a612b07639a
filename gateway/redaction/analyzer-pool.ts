// Personal-data analysis off the event loop: a few worker threads run the analyzer on long texts,
// so that a long message or document does not hold up every other stream the server is serving,
// and a recognizer stuck on hostile input can be stopped (a thread is terminated and replaced; on
// the event loop nothing could interrupt it). Short texts (a chat message, a sentence of a model's
// answer) are analysed on the calling thread: a round trip to a thread, two wake-ups of another
// core, cost more than their analysis (measured: +0.5–0.9 ms per API request at one stream). Same
// results either way: the threads run the same code. It fails closed like the analyzer: a call that a thread
// does not answer within its budget (plus a grace), a thread that crashes, a closed pool: each
// gives { ok: false }, never a partial list.
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createAnalyzer, DEFAULT_TIMEOUT_MS, MAX_TEXT_LENGTH } from './analyzer.ts';
import type { AnalyzeOptions, AnalyzeResult, Analyzer } from './types.ts';

/** Where analyzers come from: threads (createAnalyzerPool) or this thread (inProcessAnalyzers). */
export interface AnalyzerSource {
  /** an analyzer with this floor and default budget (see createAnalyzer) */
  analyzer(config?: { minScore?: number; timeoutMs?: number }): Analyzer;
}

export interface AnalyzerPool extends AnalyzerSource {
  /** resolves once every thread has loaded its dictionaries; rejects if one could not start */
  ready(): Promise<void>;
  /** stops the threads; calls still waiting fail closed */
  close(): Promise<void>;
  /** threads replaced so far (crashed or stuck) */
  readonly restarts: number;
}

export interface AnalyzerPoolOptions {
  threads: number;
  /** A thread that has said nothing for a call's budget plus this is stuck: it is replaced. */
  graceMs?: number;
  /** Texts shorter than this are analysed on the calling thread (default 1,000 characters). */
  inlineBelowChars?: number;
  /** the thread's module (tests run their own); default: analyzer-thread.ts */
  module?: URL;
  /** ids and counts only */
  log?: (event: string, fields: Record<string, string | number | boolean | null>) => void;
}

export interface AnalyzerThreadRequest {
  id: number;
  text: string;
  options: AnalyzeOptions;
  minScore?: number;
  timeoutMs?: number;
}

export type AnalyzerThreadReply = { ready: true } | { id: number; result: AnalyzeResult };

const BOOT = new URL('./analyzer-thread.mjs', import.meta.url);
// Compiled into build/ (bin/build.js), this file is analyzer-pool.js and its thread's module is .js too.
const THREAD = new URL(
  import.meta.url.endsWith('.js') ? './analyzer-thread.js' : './analyzer-thread.ts',
  import.meta.url,
);
const DEFAULT_GRACE_MS = 250;
export const DEFAULT_INLINE_BELOW_CHARS = 1_000;
const MAX_RESTART_DELAY_MS = 5_000;

const failure = (reason: 'threw' | 'timeout' | 'input_too_long', message: string): AnalyzeResult => ({
  ok: false,
  error: { recognizer: 'analyzer', reason, message },
});

/** Analyzers on this thread, one per configuration (PALISADE_REDACTION_THREADS=0, and the CLI). */
export function inProcessAnalyzers(): AnalyzerSource {
  const made = new Map<string, Analyzer>();
  return {
    analyzer(config = {}) {
      const key = `${config.minScore ?? ''}|${config.timeoutMs ?? ''}`;
      let analyzer = made.get(key);
      if (!analyzer) made.set(key, (analyzer = createAnalyzer(config)));
      return analyzer;
    },
  };
}

interface Call {
  resolve(result: AnalyzeResult): void;
  timer: NodeJS.Timeout;
  budget: number;
}

interface Thread {
  worker: Worker;
  calls: Map<number, Call>;
  /** the last time it answered, or went from idle to busy */
  lastHeard: number;
  isReady: boolean;
  gone: boolean;
  ready: Promise<void>;
}

export function createAnalyzerPool(options: AnalyzerPoolOptions): AnalyzerPool {
  if (!Number.isInteger(options.threads) || options.threads < 1) throw new Error('threads must be a positive integer');
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const log = options.log ?? (() => undefined);
  const module = (options.module ?? THREAD).href;
  const inlineBelow = options.inlineBelowChars ?? DEFAULT_INLINE_BELOW_CHARS;
  const here = inProcessAnalyzers();
  const slots: (Thread | undefined)[] = [];
  let closed = false;
  let nextId = 0;
  let restarts = 0;
  /** replacements in a row without a thread answering a call in between: the backoff's exponent */
  let failingInARow = 0;

  function spawn(slot: number): Thread {
    const worker = new Worker(BOOT, { workerData: { module }, name: `palisade-analyzer-${slot}` });
    worker.unref(); // the server's shutdown closes the pool; a thread alone never keeps the process up
    const thread: Thread = {
      worker,
      calls: new Map(),
      lastHeard: performance.now(),
      isReady: false,
      gone: false,
      ready: Promise.resolve(),
    };
    thread.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (reply: AnalyzerThreadReply) => {
        thread.lastHeard = performance.now();
        if ('ready' in reply) {
          thread.isReady = true;
          return resolve();
        }
        failingInARow = 0;
        const call = thread.calls.get(reply.id);
        if (!call) return; // its caller already had a timeout
        thread.calls.delete(reply.id);
        clearTimeout(call.timer);
        call.resolve(reply.result);
      });
      worker.once('error', (error) => {
        reject(error);
        replace(slot, thread, 'crashed');
      });
      worker.once('exit', (code) => {
        reject(new Error(`analyzer thread exited with code ${code}`));
        replace(slot, thread, 'exited');
      });
    });
    thread.ready.catch(() => undefined); // ready() reports it; a replacement's failure is logged
    slots[slot] = thread;
    return thread;
  }

  /** Fails the thread's calls closed and starts another in its place (sooner the first time). */
  function replace(slot: number, thread: Thread, reason: 'crashed' | 'exited' | 'stuck') {
    if (thread.gone) return;
    thread.gone = true;
    for (const call of thread.calls.values()) {
      clearTimeout(call.timer);
      call.resolve(failure(reason === 'stuck' ? 'timeout' : 'threw', `analyzer thread ${reason}`));
    }
    thread.calls.clear();
    void thread.worker.terminate();
    if (slots[slot] === thread) slots[slot] = undefined;
    if (closed) return;
    restarts += 1;
    const delay = failingInARow === 0 ? 0 : Math.min(MAX_RESTART_DELAY_MS, 50 * 2 ** failingInARow);
    failingInARow += 1;
    log('redaction.analyzer_thread_replaced', { slot, reason, delayMs: delay, restarts });
    // The first replacement starts at once (calls queue on it while it loads); one that keeps
    // failing waits longer each time, and meanwhile its slot's calls fail closed.
    if (delay === 0) spawn(slot);
    else
      setTimeout(() => {
        if (!closed && slots[slot] === undefined) spawn(slot);
      }, delay).unref();
  }

  /** the running thread with the fewest calls waiting, ready ones first */
  function pick(): { slot: number; thread: Thread } | undefined {
    let best: { slot: number; thread: Thread } | undefined;
    slots.forEach((thread, slot) => {
      if (!thread || thread.gone) return;
      const better =
        !best ||
        (thread.isReady && !best.thread.isReady) ||
        (thread.isReady === best.thread.isReady && thread.calls.size < best.thread.calls.size);
      if (better) best = { slot, thread };
    });
    return best;
  }

  for (let slot = 0; slot < options.threads; slot += 1) spawn(slot);
  const initial = slots.map((t) => t!.ready);

  return {
    get restarts() {
      return restarts;
    },
    ready: () => Promise.all(initial).then(() => undefined),
    analyzer(config = {}) {
      const inline = inlineBelow > 0 ? here.analyzer(config) : undefined;
      return (text, callOptions = {}) => {
        if (inline && typeof text === 'string' && text.length < inlineBelow) return inline(text, callOptions);
        // The checks the analyzer makes first, made here so a refused text is not copied to a thread.
        if (typeof text !== 'string') return Promise.resolve(failure('threw', 'text must be a string'));
        if (text.length > MAX_TEXT_LENGTH)
          return Promise.resolve(
            failure('input_too_long', `text is ${text.length} characters; the limit is ${MAX_TEXT_LENGTH}`),
          );
        if (closed) return Promise.resolve(failure('threw', 'the analyzer pool is closed'));
        const picked = pick();
        if (!picked) return Promise.resolve(failure('threw', 'no analyzer thread is running'));
        const { slot, thread } = picked;
        const budget = callOptions.timeoutMs ?? config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
        const id = (nextId += 1);
        return new Promise<AnalyzeResult>((resolve) => {
          if (thread.calls.size === 0) thread.lastHeard = performance.now();
          const timer = setTimeout(() => {
            thread.calls.delete(id);
            resolve(failure('timeout', `analysis exceeded its ${budget} ms budget`));
            // Silent for longer than any of its calls may take, plus the grace: stuck on one text
            // (a call that only waited behind a long one is not a reason). A thread still
            // starting (a replacement loading its dictionaries) is only slow.
            let allowance = budget;
            for (const other of thread.calls.values()) allowance = Math.max(allowance, other.budget);
            // (less a millisecond: timers keep whole milliseconds and may fire that much early)
            if (thread.isReady && performance.now() - thread.lastHeard >= allowance + graceMs - 1)
              replace(slot, thread, 'stuck');
          }, budget + graceMs);
          thread.calls.set(id, { resolve, timer, budget });
          const request: AnalyzerThreadRequest = { id, text, options: callOptions };
          if (config.minScore !== undefined) request.minScore = config.minScore;
          if (config.timeoutMs !== undefined) request.timeoutMs = config.timeoutMs;
          thread.worker.postMessage(request);
        });
      };
    },
    async close() {
      closed = true;
      const running = slots.filter((t): t is Thread => t !== undefined && !t.gone);
      for (const thread of running) {
        thread.gone = true;
        for (const call of thread.calls.values()) {
          clearTimeout(call.timer);
          call.resolve(failure('threw', 'the analyzer pool is closed'));
        }
        thread.calls.clear();
      }
      await Promise.all(running.map((t) => t.worker.terminate()));
    },
  };
}
