// The gateway benchmark's load generator, in its own process so that its CPU is not the
// gateway's: the official `openai` client streaming chat completions. Each stdin line
// `{"baseURL","apiKey","concurrency","total","rampMs"?}` runs one load and answers with its result as
// a JSON line; the same process drives the direct and the through-Palisade runs. `rampMs` spreads
// the streams' first requests evenly over that time, as load tools ramp users up: without it,
// streams of equal length start and end together, and every request of a wave arrives in the same
// millisecond.
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import OpenAI from 'openai';

export const QUESTION = 'How do I report a lost card and what does a replacement cost?';

interface Load {
  baseURL: string;
  apiKey: string;
  concurrency: number;
  total: number;
  rampMs?: number;
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Numbers every question of the whole run: the answer cache would otherwise answer repeats. */
let asked = 0;
const clients = new Map<string, OpenAI>();

async function load({ baseURL, apiKey, concurrency, total, rampMs = 0 }: Load) {
  const key = `${baseURL} ${apiKey}`;
  const client = clients.get(key) ?? new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  clients.set(key, client);
  const latencies: number[] = [];
  const firstTokens: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      if (rampMs) await new Promise((resolve) => setTimeout(resolve, (i * rampMs) / concurrency));
      while (next < total) {
        next += 1;
        const t = performance.now();
        const stream = await client.chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: `${QUESTION} (${(asked += 1)})` }], stream: true });
        let text = '';
        for await (const c of stream) {
          const piece = c.choices[0]?.delta?.content ?? '';
          if (piece && !text) firstTokens.push(performance.now() - t);
          text += piece;
        }
        if (!text) throw new Error('empty answer');
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  firstTokens.sort((a, b) => a - b);
  return { p50: pct(latencies, 50), p99: pct(latencies, 99), ttftP50: pct(firstTokens, 50), ttftP99: pct(firstTokens, 99), rps: total / seconds };
}

if (process.argv[1] === import.meta.filename) {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    process.stdout.write(JSON.stringify(await load(JSON.parse(line) as Load)) + '\n');
  }
}
