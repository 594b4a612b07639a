// Model servers close kept-alive connections (vLLM after 5 s idle, without a hint; a proxy that
// recycles them, on reuse): a request on such a connection fails before any response byte. Through
// the real appliance, /v1 (to an OpenAI-compatible server) and the chat path (to Ollama), in bursts
// of concurrent requests: every answer comes from the model server, none from the knowledge-base
// fallback. A model server that really is down still cools down, and the record says why.
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { StandIn } from '../support/standins/faults.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';
import { policiesDir, readyVisitor, repliesSettled, sendMessage } from '../support/widget.ts';

// The shipped retries and cooldown (3 failures, 30 s): the defaults a bank runs with.
const ROUTING = `version: 1
targets:
  vllm: { provider: openai, model: standin, location: local }
  pool: { provider: ollama, model: llama-standin, location: local }
  kb: { provider: extractive, model: kb, location: local }
rules:
  - { id: chat, when: { sites: [retail] }, action: local, chain: [pool, kb] }
  - { id: api, action: local, chain: [vllm, kb] }
`;

let server: TestServer;
let vllm: StandIn;
let gpu: OllamaStandIn;
let policies: ReturnType<typeof policiesDir>;
let client: OpenAI;

beforeAll(async () => {
  [vllm, gpu] = await Promise.all([startOpenAIStandIn({ record: false }), startOllamaStandIn()]);
  policies = policiesDir({ 'routing.yaml': ROUTING });
  server = await startTestServer(
    {
      RETENTION_INTERVAL_SECONDS: '0',
      PALISADE_POLICIES_DIR: policies.dir,
      OLLAMA_HOST: gpu.url,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${vllm.url}/v1`,
      LOG_LEVEL: 'warn',
      MODEL_CONNECTION_IDLE_MS: '200',
    },
    { seedDemoKnowledge: true },
  );
  const { key } = await server.deps.db.dataSource.transaction((tx) =>
    createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name: 'burst', allowCloud: false } }),
  );
  client = new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
});
afterAll(async () => {
  await server?.stop();
  await Promise.all([vllm?.close(), gpu?.close()]);
  policies?.remove();
});
beforeEach(() => {
  for (const s of [vllm, gpu]) {
    s.faults.length = 0;
    s.requests.length = 0;
    Object.assign(s.connections, {
      dropReused: false,
      idleCloseMs: undefined,
      dropped: 0,
      accepted: 0,
      closedByClient: 0,
    });
  }
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
let asked = 0;

/** `bursts` rounds of `size` concurrent /v1 requests; each answer's target (header) and text. */
async function v1Bursts(bursts: number, size: number, gapMs = 50) {
  const answers: { target: string | null; fromModel: boolean }[] = [];
  for (let b = 0; b < bursts; b += 1) {
    const round = await Promise.all(
      Array.from({ length: size }, async () => {
        const question = `How do I report a lost card? (${(asked += 1)})`;
        const { data, response } = await client.chat.completions
          .create({ model: 'palisade', messages: [{ role: 'user', content: question }] })
          .withResponse();
        return {
          target: response.headers.get('x-palisade-target'),
          fromModel: data.choices[0]!.message.content === `You said: ${question}`,
        };
      }),
    );
    answers.push(...round);
    await pause(gapMs);
  }
  return answers;
}

const modelRequests = async () => {
  await server.models.auditSettled(5000);
  return (await server.deps.db.dataSource.query(
    `SELECT outcome, details FROM audit_events WHERE action = 'model.request' AND details->>'outcome' <> 'started' ORDER BY seq`,
  )) as { outcome: string; details: Record<string, unknown> }[];
};

describe('kept-alive connections a model server closes', () => {
  it('/v1: a server that drops every reused connection: 100 requests in bursts of 20 all answered by the model', async () => {
    await v1Bursts(1, 20); // connections to reuse
    vllm.connections.dropReused = true;
    const answers = await v1Bursts(5, 20);
    expect(vllm.connections.dropped).toBeGreaterThan(0); // the fault did happen
    expect(answers.filter((a) => a.target === 'vllm' && a.fromModel)).toHaveLength(100);
    const records = (await modelRequests()).slice(-100);
    expect(
      records.every((r) => r.details.target === 'vllm' && r.details.attempts === 1 && r.details.fallbackFrom === null),
    ).toBe(true);
  });

  it('/v1: a server that closes idle connections after 400 ms without a hint: the appliance closes them first (its idle timeout, here 200 ms); every answer from the model', async () => {
    vllm.connections.idleCloseMs = 400;
    const answers = [...(await v1Bursts(3, 20, 600)), ...(await v1Bursts(3, 20, 390))];
    expect(answers.filter((a) => a.target === 'vllm' && a.fromModel)).toHaveLength(answers.length);
    expect(vllm.connections.closedByClient).toBeGreaterThan(0);
  });

  it("the chat path (Ollama): bursts of visitors on a server that drops reused connections all get the model's answer", async () => {
    const visitors = await Promise.all(Array.from({ length: 20 }, () => readyVisitor(server)));
    const round = async (n: number) => {
      await Promise.all(visitors.map((v, i) => sendMessage(v, `Which fee applies to card ${n}-${i}?`)));
      await repliesSettled(server);
    };
    await round(0);
    gpu.connections.dropReused = true;
    for (let n = 1; n <= 3; n += 1) await round(n);
    expect(gpu.connections.dropped).toBeGreaterThan(0);
    const metas = (await server.deps.db.dataSource.query(
      `SELECT meta FROM messages WHERE role = 'assistant' AND conversation_id = ANY($1::uuid[])`,
      [visitors.map((v) => v.conversation.id)],
    )) as { meta: Record<string, unknown> }[];
    expect(metas).toHaveLength(80);
    expect(
      metas.filter((m) => m.meta.provider === 'ollama' && m.meta.target === 'pool' && m.meta.fallback === undefined),
    ).toHaveLength(80);
  });

  it('a model server that is down: the target cools down, the knowledge base answers, and the record names the target, failure and cause', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const gone = await startTestServer(
      {
        RETENTION_INTERVAL_SECONDS: '0',
        PALISADE_POLICIES_DIR: policies.dir,
        OLLAMA_HOST: down,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${down}/v1`,
        LOG_LEVEL: 'warn',
      },
      { seedDemoKnowledge: true },
    );
    try {
      const { key } = await gone.deps.db.dataSource.transaction((tx) =>
        createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name: 'down', allowCloud: false } }),
      );
      const api = new OpenAI({ apiKey: key, baseURL: `${gone.url}/v1`, maxRetries: 0 });
      const ask = async () => {
        const { response } = await api.chat.completions
          .create({
            model: 'palisade',
            messages: [{ role: 'user', content: `How do I report a lost card? ${randomUUID()}` }],
          })
          .withResponse();
        return response.headers.get('x-palisade-target');
      };
      // a burst: one cause, counted once; then separate requests until the cooldown (3 failures)
      expect(await Promise.all(Array.from({ length: 10 }, ask))).toEqual(Array(10).fill('kb'));
      for (let i = 0; i < 3; i += 1) expect(await ask()).toBe('kb');
      await gone.models.auditSettled(5000);
      const records = (await gone.deps.db.dataSource.query(
        `SELECT outcome, details FROM audit_events WHERE action = 'model.request' AND details->>'outcome' <> 'started' ORDER BY seq`,
      )) as { outcome: string; details: Record<string, unknown> }[];
      expect(records).toHaveLength(13);
      for (const r of records)
        expect(r.details).toMatchObject({
          target: 'kb',
          outcome: 'answered',
          fallbackFrom: 'vllm',
          cause: 'connection_refused',
        });
      // the first request tried the target; the last ones did not: it was cooling down
      expect(records[0]!.details).toMatchObject({ fallbackFailure: 'unavailable' });
      for (const r of records.slice(0, 10)) expect(['unavailable', 'cooldown']).toContain(r.details.fallbackFailure);
      for (const r of records.slice(10)) expect(r.details).toMatchObject({ fallbackFailure: 'cooldown', attempts: 1 });

      // counted by cause where an operator looks (/readyz)
      const ready = (await (await fetch(`${gone.url}/readyz`)).json()) as { fallbacks: Record<string, number> };
      expect(ready.fallbacks.connection_refused).toBe(13);

      // The chat path: the knowledge base answers, and the transcript's meta tells agents it was the fallback.
      const visitor = await readyVisitor(gone);
      await sendMessage(visitor, 'How do I report a lost card?');
      await repliesSettled(gone);
      const [answer] = (await gone.deps.db.dataSource.query(
        `SELECT meta FROM messages WHERE role = 'assistant' AND conversation_id = $1`,
        [visitor.conversation.id],
      )) as { meta: Record<string, unknown> }[];
      expect(answer!.meta).toMatchObject({
        provider: 'extractive',
        target: 'kb',
        fallback: { from: 'pool', failure: 'unavailable' },
      });
      expect(['connection_refused', 'no_healthy_host']).toContain((answer!.meta.fallback as { cause: string }).cause);
    } finally {
      await gone.stop();
    }
  });
});

/** a loopback port nothing listens on */
async function closedPort(): Promise<number> {
  const net = await import('node:net');
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as import('node:net').AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}
