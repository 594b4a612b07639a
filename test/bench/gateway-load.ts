// The gateway benchmark's load generator, in its own process so that its CPU is not the
// gateway's: streaming chat completions over keep-alive HTTP, reading the SSE events and the JSON
// in each as a client does, with as little CPU of its own as it can (it shares the machine's two
// cores with the appliance and the model stand-in, as wrk would). BENCH_GATEWAY_CLIENT=openai
// uses the official `openai` client instead (about twice this generator's CPU). Each stdin line
// `{"baseURL","apiKey","concurrency","total","rampMs"?}` runs one load and answers with its result as
// a JSON line; the same process drives the direct and the through-Palisade runs. `rampMs` spreads
// the streams' first requests evenly over that time, as load tools ramp users up: without it,
// streams of equal length start and end together, and every request of a wave arrives in the same
// millisecond. `check` (model-paced answers only): each answer must come from that target (the
// X-Palisade-Target header) and be the model's answer to its own question (it ends with the
// question's number); anything else, a knowledge-base fallback included, counts as a failure.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import OpenAI from 'openai';
import { SseParser } from '../../gateway/providers/openai/sse.ts';

export const QUESTION = 'How do I report a lost card and what does a replacement cost?';

interface Load {
  baseURL: string;
  apiKey: string;
  concurrency: number;
  total: number;
  rampMs?: number;
  check?: { target: string };
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Numbers every question of the whole run: the answer cache would otherwise answer repeats. */
let asked = 0;
const clients = new Map<string, OpenAI>();
const agent = new http.Agent({ keepAlive: true });

/** resolves with the answering target the response named */
type Ask = (question: string, onText: (piece: string) => void) => Promise<string | undefined>;

function openaiClient(baseURL: string, apiKey: string): Ask {
  const key = `${baseURL} ${apiKey}`;
  const client = clients.get(key) ?? new OpenAI({ apiKey, baseURL, maxRetries: 0 });
  clients.set(key, client);
  return async (question, onText) => {
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'palisade', messages: [{ role: 'user', content: question }], stream: true })
      .withResponse();
    for await (const c of stream) onText(c.choices[0]?.delta?.content ?? '');
    return response.headers.get('x-palisade-target') ?? undefined;
  };
}

/**
 * POST and read the SSE stream to its end; a status other than 200 or a body without [DONE] fails.
 * A kept-alive socket the server closed just as it was reused fails before any response: that
 * request is sent again (as node's documentation advises, and as browsers do).
 */
function httpClient(baseURL: string, apiKey: string): Ask {
  const url = new URL(`${baseURL.replace(/\/$/, '')}/chat/completions`);
  const send = (question: string, onText: (piece: string) => void, attempt: number): Promise<string | undefined> =>
    new Promise<string | undefined>((resolve, reject) => {
      const body = JSON.stringify({ model: 'palisade', messages: [{ role: 'user', content: question }], stream: true });
      let responded = false;
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            authorization: `Bearer ${apiKey}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          responded = true;
          if (res.statusCode !== 200) {
            res.resume();
            return reject(new Error(`HTTP ${res.statusCode}`));
          }
          const parser = new SseParser();
          let done = false;
          res.on('data', (bytes: Buffer) => {
            for (const data of parser.push(bytes)) {
              if (data === '[DONE]') done = true;
              else
                onText(
                  (JSON.parse(data) as { choices: { delta?: { content?: string } }[] }).choices[0]?.delta?.content ??
                    '',
                );
            }
          });
          const target = res.headers['x-palisade-target'];
          res.on('end', () =>
            done
              ? resolve(typeof target === 'string' ? target : undefined)
              : reject(new Error('stream ended without [DONE]')),
          );
          res.on('error', reject);
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        // Idle sockets go stale together (the server closes each 5 s after its last request), so
        // the next free one may be stale too: a few tries, each on a socket that was reused.
        if (attempt < 4 && !responded && req.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE'))
          resolve(send(question, onText, attempt + 1));
        else reject(error);
      });
      req.end(body);
    });
  return (question, onText) => send(question, onText, 1);
}

async function load({ baseURL, apiKey, concurrency, total, rampMs = 0, check }: Load) {
  const ask =
    process.env.BENCH_GATEWAY_CLIENT === 'openai' ? openaiClient(baseURL, apiKey) : httpClient(baseURL, apiKey);
  const latencies: number[] = [];
  const firstTokens: number[] = [];
  let failed = 0;
  const failures: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      if (rampMs) await new Promise((resolve) => setTimeout(resolve, (i * rampMs) / concurrency));
      while (next < total) {
        next += 1;
        const t = performance.now();
        let text = '';
        let first: number | undefined;
        const n = (asked += 1);
        try {
          const target = await ask(`${QUESTION} (${n})`, (piece) => {
            if (piece && !text) first = performance.now() - t;
            text += piece;
          });
          if (!text) throw new Error('empty answer');
          if (check && target !== check.target) throw new Error(`answered by ${target ?? 'no target'}`);
          if (check && !text.endsWith(` (${n})`)) throw new Error("not the model's answer to the question");
        } catch (error) {
          // Counted and reported with the run (a failed request has no latency to add).
          failed += 1;
          const kind = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : 'error');
          failures[kind] = (failures[kind] ?? 0) + 1;
          continue;
        }
        firstTokens.push(first!);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  firstTokens.sort((a, b) => a - b);
  return {
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    ttftP50: pct(firstTokens, 50),
    ttftP99: pct(firstTokens, 99),
    rps: (total - failed) / seconds,
    failed,
    failures,
  };
}

if (process.argv[1] === import.meta.filename) {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    process.stdout.write(JSON.stringify(await load(JSON.parse(line) as Load)) + '\n');
  }
}
