// Benchmark rows: what the egress proxy costs a cloud pool's streamed completion. The same pool
// client against an OpenAI stand-in, direct and through a CONNECT proxy (both on loopback, in this
// process), sequentially and 20 at a time, after warming up. `connects` is how many tunnels
// the proxy opened during the measured round: kept alive, a tunnel serves many calls.
import { openaiPool } from '../../gateway/providers/openai/pool.ts';
import type { ModelEvent } from '../../gateway/providers/types.ts';
import { startConnectProxy } from '../support/connectProxy.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';
import type { Emit } from './emit.ts';

const r2 = (n: number) => Math.round(n * 100) / 100;
const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

export async function benchProxy(emit: Emit, quick: boolean): Promise<void> {
  const [standIn, proxy] = await Promise.all([startOpenAIStandIn({ record: false }), startConnectProxy()]);
  const request = {
    model: 'gpt-standin',
    messages: [{ role: 'user' as const, content: 'What are the opening hours of the branches?' }],
  };
  const total = quick ? 100 : 1000;
  // the process warmed up both ways first (compiled code): the first case measured paid for it
  for (const proxied of [false, true]) {
    const client = openaiPool.create({
      locality: 'cloud',
      baseURLs: [`${standIn.url}/v1`],
      ...(proxied ? { proxy: { url: proxy.url } } : {}),
    });
    for (let i = 0; i < (quick ? 50 : 300); i += 1)
      for await (const _ of client.stream(request, new AbortController().signal));
  }
  try {
    for (const via of ['direct', 'proxy'] as const) {
      for (const concurrency of [1, 20]) {
        const client = openaiPool.create({
          locality: 'cloud',
          baseURLs: [`${standIn.url}/v1`],
          apiKey: 'sk-bench',
          ...(via === 'proxy' ? { proxy: { url: proxy.url } } : {}),
        });
        const times: number[] = [];
        let next = 0;
        let upTo = 0;
        const worker = async () => {
          while (next < upTo) {
            next += 1;
            const started = performance.now();
            let end: ModelEvent | undefined;
            for await (const e of client.stream(request, new AbortController().signal)) end = e;
            if (end?.type !== 'end') throw new Error('no end record');
            times.push(performance.now() - started);
          }
        };
        // a warm-up round first (compiled code, open connections), not measured
        upTo = 50;
        await Promise.all(Array.from({ length: concurrency }, worker));
        [next, upTo, times.length, proxy.connects.length] = [0, total, 0, 0];
        const started = performance.now();
        await Promise.all(Array.from({ length: concurrency }, worker));
        const seconds = (performance.now() - started) / 1000;
        times.sort((a, b) => a - b);
        emit({
          bench: 'gateway',
          case: 'egress-proxy',
          via,
          concurrency,
          requests: total,
          p50Ms: r2(pct(times, 50)),
          p99Ms: r2(pct(times, 99)),
          perSecond: r2(total / seconds),
          connects: proxy.connects.length,
        });
        await client.close?.();
      }
    }
  } finally {
    await Promise.all([standIn.close(), proxy.close()]);
  }
}
