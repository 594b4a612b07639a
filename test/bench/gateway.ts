// Benchmark: the gateway's added latency (the LiteLLM method: /v1/chat/completions through
// Palisade minus calling the model server directly, same load, same machine) at 50 and 200
// concurrent streams, and llamacpp provider tokens/s vs node-llama-cpp called directly.
// `tokens` rows: the token estimate against Llama-2's tokenizer (tokenEstimate). BENCH_GATEWAY_OVERHEAD_ONLY=1
// skips the llamacpp and tokens parts. gatewayCpuMsPerRequest is this
// process's CPU (the appliance alone, all its threads) per request through it: steadier than
// latency on a busy box; gatewayEventLoopMsPerRequest is its event loop's busy time per request,
// the time every request's work queues for. The floor* fields are the same load through a bare
// pass-through proxy (gateway-floor.ts): what forwarding a token stream costs any Node.js proxy
// here. PALISADE_REDACTION_THREADS and PALISADE_PGLITE_THREAD are passed on to the appliance (0:
// on the event loop), and PALISADE_HEAP_GROWTH_PERCENT (0: V8's own rule, to compare). The
// appliance opens its embedded database in its data dir, as `npm start` does; with
// BENCH_DATABASE_URL the same cases then run on a fresh database on that PostgreSQL server (in the
// same process, after the embedded run: its heap is not fresh). gatewayLoopDelayP99Ms and
// gatewayLoopDelayMaxMs: the gaps between ticks of a 1 ms timer on the appliance's event loop
// during the run (p99 and longest): how long any request's work could be held up at once.
// gatewayGc*: the appliance's main-thread garbage collections during the run (this process): pause
// per request, the number of full (mark-compact) collections and the longest pause of any kind;
// gatewayHeapPeakMb: the most its heap held (sampled every 100 ms), what the heap growth costs.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver } from 'node:perf_hooks';
import readline from 'node:readline';
import v8 from 'node:v8';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { startTestServer } from '../support/server.ts';
import { policiesDir } from '../support/widget.ts';
import { databaseFields, passThrough, type Emit } from './emit.ts';
import { startBareProxy } from './gateway-floor.ts';
import { llamaTokens, tokenEstimate } from './tokens.ts';
import { QUESTION } from './gateway-load.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

const r2 = (n: number) => Math.round(n * 100) / 100;

interface LoadResult {
  p50: number;
  p99: number;
  ttftP50: number;
  ttftP99: number;
  rps: number;
  failed: number;
  failures: Record<string, number>;
}

/** A bench child process speaking JSON lines: one line in, one line out. */
export function child(script: string) {
  const proc = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script)], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  const read = async <T>(): Promise<T> => {
    const step = await lines.next();
    if (step.done) throw new Error(`${script} exited`);
    return JSON.parse(step.value as string) as T;
  };
  return {
    read,
    ask: <T>(message: unknown) => (proc.stdin.write(JSON.stringify(message) + '\n'), read<T>()),
    stop: () => new Promise<void>((resolve) => (proc.once('exit', () => resolve()), proc.stdin.end())),
  };
}

/** This thread's garbage collections from now until stop(): total pause, full collections, the longest. */
function gcDuring() {
  const seen = { totalMs: 0, major: 0, longestMs: 0 };
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      seen.totalMs += e.duration;
      seen.longestMs = Math.max(seen.longestMs, e.duration);
      if ((e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR)
        seen.major += 1;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return { stop: () => (observer.disconnect(), seen) };
}

/** Runs a long statement on the database every second until stopped; answers how many ran. */
function reportEverySecond(dataSource: { query(sql: string): Promise<unknown> }) {
  let running = true;
  let ran = 0;
  const loop = (async () => {
    while (running) {
      await dataSource.query('SELECT count(*) FROM generate_series(1, 1000000)');
      ran += 1;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  return { stop: async () => ((running = false), await loop, ran) };
}

async function overhead(emit: Emit, quick: boolean, postgresUrl: string | undefined) {
  // The stand-in and the load generator run in their own processes, so that this process (the
  // appliance) spends its CPU on the gateway only; both the direct and the through-Palisade runs
  // come from the same generator process with the same load.
  const standIn = child('gateway-standin.ts');
  const loader = child('gateway-load.ts');
  const { url } = await standIn.read<{ url: string }>();
  const policies = policiesDir({
    'routing.yaml':
      'version: 1\ntargets:\n  vllm: { provider: openai, model: standin, location: local }\nrules:\n  - { id: all, action: local, chain: [vllm] }\n',
  });
  const floor = await startBareProxy(`${url}/v1`);
  // The appliance on its embedded database, then (BENCH_DATABASE_URL) on a fresh database on that
  // PostgreSQL server, as a bank's production install runs: the same cases, stand-in and loader.
  const databases: { database: 'pglite' | 'postgres'; postgresUrl?: string }[] = [
    { database: 'pglite' },
    ...(postgresUrl ? [{ database: 'postgres' as const, postgresUrl }] : []),
  ];
  try {
    for (const { database, postgresUrl: serverUrl } of databases) {
      const server = await startTestServer(
        {
          OPENAI_API_KEY: 'sk-bench',
          OPENAI_BASE_URL: `${url}/v1`,
          PALISADE_POLICIES_DIR: policies.dir,
          LOG_LEVEL: 'error',
          ...passThrough('PALISADE_REDACTION_THREADS', 'PALISADE_PGLITE_THREAD', 'PALISADE_HEAP_GROWTH_PERCENT'),
        },
        serverUrl ? { postgresUrl: serverUrl } : { ownEmbeddedDatabase: true },
      );
      try {
        await overheadCases(emit, quick, { url, server, floor, loader, standIn, database });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await floor.close();
    await Promise.all([loader.stop(), standIn.stop()]);
    policies.remove();
  }
}

type Child = ReturnType<typeof child>;

async function overheadCases(
  emit: Emit,
  quick: boolean,
  {
    url,
    server,
    floor,
    loader,
    standIn,
    database,
  }: {
    url: string;
    server: Awaited<ReturnType<typeof startTestServer>>;
    floor: { url: string };
    loader: Child;
    standIn: Child;
    database: string;
  },
) {
  const { key } = await server.deps.db.dataSource.transaction((tx) =>
    createApiKey({ tx, actor: { type: 'system', id: 'bench' }, input: { name: 'bench', allowCloud: false } }),
  );
  const direct = { baseURL: `${url}/v1`, apiKey: 'sk-bench' };
  const viaGateway = { baseURL: `${server.url}/v1`, apiKey: key };
  const viaFloor = { baseURL: floor.url, apiKey: 'sk-bench' };
  const load = (target: typeof direct, concurrency: number, total: number, rampMs = 0) =>
    loader.ask<LoadResult>({ ...target, concurrency, total, rampMs });
  await load(direct, 10, 200);
  await load(viaGateway, 10, 200); // warm-up: analyzer dictionaries, JIT, connections
  // One stream shows the gateway's own cost; at 50 and 200 unpaced streams the added latency is
  // mostly queueing behind that cost: a closed loop that asks as fast as answers come fills both
  // cores, so these cases measure capacity. `paced`: the stand-in streams a 5-character chunk
  // every 20 ms (15 chunks), still a closed loop that fills the machine at 200 streams. `model`:
  // answers as a GPU host streams them to one sequence, 64 word tokens at 25 ms each (40
  // tokens/s, 1.6 s an answer), so 200 concurrent streams are 200 open streams at ~125 req/s:
  // the added latency there is the gateway's own, not a full machine's. The paced streams start
  // spread over one answer's length (rampMs), as a load tool ramps users up, so that requests
  // arrive as they would from many visitors rather than 200 in the same millisecond.
  // BENCH_GATEWAY_CASES="pacing:concurrency,…" narrows a run by hand.
  // `model-long` (only when BENCH_GATEWAY_CASES names it): the model-paced 200 streams for 4,000
  // requests (about 34 s), long enough to hold several full garbage collections: the steady state's
  // tail, where the six-second `model` case may or may not meet one.
  // `model+report`: the model-paced load while a long statement runs on the appliance's database
  // every second (a 1-million-row count, as a compliance report or export would be): with
  // PGlite on the event loop every stream waits for it; on its thread (PALISADE_PGLITE_THREAD)
  // none does.
  const cases: {
    pacing: string;
    chunkDelayMs: number;
    answerTokens?: number;
    rampMs?: number;
    concurrency: number[];
    perStream: number;
    report?: boolean;
    optIn?: boolean;
  }[] = [
    { pacing: 'unpaced', chunkDelayMs: 0, concurrency: [1, 50, 200], perStream: 8 },
    { pacing: 'paced', chunkDelayMs: 20, rampMs: 300, concurrency: [50, 200], perStream: 4 },
    { pacing: 'model', chunkDelayMs: 25, answerTokens: 64, rampMs: 1600, concurrency: [1, 50, 200], perStream: 3 },
    {
      pacing: 'model+report',
      chunkDelayMs: 25,
      answerTokens: 64,
      rampMs: 1600,
      concurrency: [200],
      perStream: 3,
      report: true,
    },
    {
      pacing: 'model-long',
      chunkDelayMs: 25,
      answerTokens: 64,
      rampMs: 1600,
      concurrency: [200],
      perStream: 20,
      optIn: true,
    },
  ];
  const only = process.env.BENCH_GATEWAY_CASES?.split(',').map((c) => c.split(':'));
  for (const { pacing, chunkDelayMs, answerTokens, rampMs, concurrency: levels, perStream, report, optIn } of cases) {
    await standIn.ask({ chunkDelayMs, answerTokens });
    for (const concurrency of levels) {
      const named = only?.some(([p, c]) => p === pacing && Number(c) === concurrency);
      if (only ? !named : optIn) continue;
      const total = concurrency === 1 ? (chunkDelayMs ? 40 : quick ? 100 : 400) : concurrency * (quick ? 2 : perStream);
      const d = await load(direct, concurrency, total, rampMs);
      const cpu = process.cpuUsage();
      const elu = performance.eventLoopUtilization();
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const gc = gcDuring();
      let heapPeak = 0;
      const heapSampler = setInterval(
        () => (heapPeak = Math.max(heapPeak, v8.getHeapStatistics().used_heap_size)),
        100,
      );
      const reports = report ? reportEverySecond(server.deps.db.dataSource) : undefined;
      const g = await load(viaGateway, concurrency, total, rampMs);
      const reportStatements = await reports?.stop();
      const { user, system } = process.cpuUsage(cpu); // this process is the appliance alone (all its threads)
      const loop = performance.eventLoopUtilization(elu); // its event loop: the thread every request's work queues on
      delay.disable();
      const gcs = gc.stop();
      clearInterval(heapSampler);
      // The same load through the bare proxy, in this process too (the appliance is idle then).
      const floorElu = performance.eventLoopUtilization();
      const f = await load(viaFloor, concurrency, total, rampMs);
      const floorLoop = performance.eventLoopUtilization(floorElu);
      emit({
        bench: 'gateway',
        case: 'overhead',
        ...databaseFields(database, server.deps.config),
        pacing,
        chunkDelayMs,
        rampMs: rampMs ?? 0,
        concurrency,
        requests: total,
        chunksPerAnswer: answerTokens ?? Math.ceil(`You said: ${QUESTION}`.length / 5),
        directP50Ms: r2(d.p50),
        directP99Ms: r2(d.p99),
        directRps: r2(d.rps),
        gatewayP50Ms: r2(g.p50),
        gatewayP99Ms: r2(g.p99),
        gatewayRps: r2(g.rps),
        gatewayCpuMsPerRequest: r2((user + system) / 1000 / total),
        gatewayEventLoopBusy: r2(loop.utilization),
        gatewayEventLoopMsPerRequest: r2(loop.active / total),
        gatewayLoopDelayP99Ms: r2(delay.percentile(99) / 1e6),
        gatewayLoopDelayMaxMs: r2(delay.max / 1e6),
        gatewayGcMsPerRequest: r2(gcs.totalMs / total),
        gatewayGcMajor: gcs.major,
        gatewayGcLongestMs: r2(gcs.longestMs),
        gatewayHeapPeakMb: Math.round(heapPeak / 2 ** 20),
        addedP50Ms: r2(g.p50 - d.p50),
        addedP99Ms: r2(g.p99 - d.p99),
        addedFirstTokenP50Ms: r2(g.ttftP50 - d.ttftP50),
        addedFirstTokenP99Ms: r2(g.ttftP99 - d.ttftP99),
        floorAddedP50Ms: r2(f.p50 - d.p50),
        floorAddedP99Ms: r2(f.p99 - d.p99),
        floorAddedFirstTokenP50Ms: r2(f.ttftP50 - d.ttftP50),
        floorAddedFirstTokenP99Ms: r2(f.ttftP99 - d.ttftP99),
        floorEventLoopMsPerRequest: r2(floorLoop.active / total),
        ...(reports ? { reportStatements } : {}),
        directFailed: d.failed,
        gatewayFailed: g.failed,
        floorFailed: f.failed,
        ...(d.failed + g.failed + f.failed
          ? { failures: { direct: d.failures, gateway: g.failures, floor: f.failures } }
          : {}),
      });
    }
  }
}

export async function benchGateway(
  emit: (row: Record<string, unknown>) => void,
  opts: { quick?: boolean; postgresUrl?: string },
): Promise<void> {
  await overhead(emit, opts.quick ?? false, opts.postgresUrl);
  if (process.env.BENCH_GATEWAY_OVERHEAD_ONLY !== '1') {
    await llamaTokens(emit, opts.quick ?? false);
    await tokenEstimate(emit);
  }
}
