// The real openai and ollama providers against loopback stand-ins that speak the real wire
// formats: for each fault, the documented retry/fallback or a clear typed error; and nothing a
// stand-in received holds the personal data of the question.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGateway, ProviderError, type ChatEvent, type ModelRequestAudit } from '../../gateway/index.ts';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import { InMemoryVaultStore } from '../../gateway/redaction/vault-store.ts';
import { providers } from '../../gateway/providers/index.ts';
import { parseRoutingPolicy } from '../../gateway/routing/policy.ts';
import type { Fault } from '../support/standins/faults.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';
import type { StandIn } from '../support/standins/faults.ts';

const redactionPolicy = loadRedactionPolicyFromYamlText(
  readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8'),
);
const redaction = createDefaultRedactionEngine({ policy: redactionPolicy, hmacKey: new Uint8Array(32).fill(3) });
const routing = parseRoutingPolicy(`version: 1
targets:
  pool: { provider: ollama, model: llama-standin, location: local }
  gpt: { provider: openai, model: gpt-standin, location: cloud }
retries: { rateLimit: 1, timeout: 1, serverError: 1, backoffMs: 1, maxBackoffMs: 5, maxRetryAfterMs: 2000 }
cooldown: { failures: 100, seconds: 1 }
timeouts: { firstTokenMs: 400, totalMs: 5000 }
rules:
  - { id: cloud-first, when: { cloudAllowed: true, sites: [cloud-first] }, action: cloud, chain: [gpt, pool] }
  - { id: consented, when: { cloudAllowed: true }, action: local, chain: [pool, gpt], allowCloudFallback: true }
  - { id: local-only, action: local, chain: [pool] }
`);

const QUESTION = 'I am Alice Smith, alice.smith@example.com, IBAN GB82 WEST 1234 5698 7654 32 — why the fee?';
const PERSONAL = [/Alice/i, /alice\.smith/i, /GB82/, /WEST ?1234/];

let ollamaA: OllamaStandIn;
let ollamaB: OllamaStandIn;
let openaiStandIn: StandIn;
let audits: ModelRequestAudit[];

beforeAll(async () => {
  [ollamaA, ollamaB, openaiStandIn] = await Promise.all([
    startOllamaStandIn(),
    startOllamaStandIn(),
    startOpenAIStandIn(),
  ]);
});
afterAll(async () => {
  await Promise.all([ollamaA.close(), ollamaB.close(), openaiStandIn.close()]);
});
beforeEach(() => {
  for (const s of [ollamaA, ollamaB, openaiStandIn]) {
    s.requests.length = 0;
    s.faults.length = 0;
  }
  ollamaA.healthy = true;
  ollamaB.healthy = true;
  audits = [];
});

function gatewayWith(ollamaHosts: string[]) {
  const ollamaClient = providers.ollama.create({ hosts: ollamaHosts, healthIntervalMs: 0 });
  const gateway = createGateway({
    clients: {
      ollama: ollamaClient,
      openai: providers.openai.create({ apiKey: 'sk-test', baseURL: `${openaiStandIn.url}/v1`, locations: ['cloud'] }),
    },
    policy: () => routing,
    redaction,
    vaults: new InMemoryVaultStore(),
    audit: { modelRequest: async (e) => void audits.push(e) },
  });
  return { gateway, ollamaClient };
}

async function run(gw: ReturnType<typeof createGateway>, opts: { cloudAllowed: boolean; site?: string }) {
  const events: ChatEvent[] = [];
  let error: unknown;
  try {
    for await (const e of gw.chat({ messages: [{ role: 'user', content: QUESTION }], ...opts })) events.push(e);
  } catch (e) {
    error = e;
  }
  const text = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
  return {
    text,
    end: events.find((e) => e.type === 'end'),
    error,
    targets: events.flatMap((e) => (e.type === 'target' ? [e.targetId] : [])),
  };
}

const chatCalls = (s: StandIn) =>
  s.requests.filter((r) => r.path.endsWith('/chat') || r.path.endsWith('/chat/completions')).length;

function assertNoPersonalData() {
  for (const s of [ollamaA, ollamaB, openaiStandIn]) {
    for (const r of s.requests) for (const p of PERSONAL) expect(r.body).not.toMatch(p);
  }
}

describe('faults on the local Ollama pool', () => {
  const table: [
    string,
    Fault[],
    { cloudAllowed: boolean },
    { targets: string[]; outcome: string; answeredBy?: 'ollama' | 'openai' },
  ][] = [
    [
      '500 once: retried on the pool, answered',
      [{ kind: 'status', status: 500 }],
      { cloudAllowed: false },
      { targets: ['pool', 'pool'], outcome: 'answered', answeredBy: 'ollama' },
    ],
    [
      '429 with Retry-After: 0: retried, answered',
      [{ kind: 'status', status: 429, retryAfter: '0' }],
      { cloudAllowed: false },
      { targets: ['pool', 'pool'], outcome: 'answered', answeredBy: 'ollama' },
    ],
    [
      '429 with a long Retry-After, consent: cloud fallback',
      [{ kind: 'status', status: 429, retryAfter: '3600' }],
      { cloudAllowed: true },
      { targets: ['pool', 'gpt'], outcome: 'answered', answeredBy: 'openai' },
    ],
    [
      '429 with a long Retry-After, no consent: human',
      [{ kind: 'status', status: 429, retryAfter: '3600' }],
      { cloudAllowed: false },
      { targets: ['pool'], outcome: 'human' },
    ],
    [
      'too slow twice (first-token timeout), consent: cloud fallback',
      [
        { kind: 'slow', firstChunkMs: 1500 },
        { kind: 'slow', firstChunkMs: 1500 },
      ],
      { cloudAllowed: true },
      { targets: ['pool', 'pool', 'gpt'], outcome: 'answered', answeredBy: 'openai' },
    ],
    [
      'dropped before the first token: retried, answered',
      [{ kind: 'drop', afterChunks: 0 }],
      { cloudAllowed: false },
      { targets: ['pool', 'pool'], outcome: 'answered', answeredBy: 'ollama' },
    ],
    [
      'malformed JSON: not retried, consent: cloud fallback',
      [{ kind: 'malformed', afterChunks: 0 }],
      { cloudAllowed: true },
      { targets: ['pool', 'gpt'], outcome: 'answered', answeredBy: 'openai' },
    ],
    [
      '500 twice without consent: human handoff',
      [
        { kind: 'status', status: 500 },
        { kind: 'status', status: 500 },
      ],
      { cloudAllowed: false },
      { targets: ['pool', 'pool'], outcome: 'human' },
    ],
  ];
  it.each(table)('%s', async (_name, faults, opts, expected) => {
    ollamaA.faults.push(...faults);
    const { gateway } = gatewayWith([ollamaA.url]);
    const r = await run(gateway, opts);
    expect(r.error).toBeUndefined();
    expect(r.targets).toEqual(expected.targets);
    expect(r.end).toMatchObject({ outcome: expected.outcome });
    if (expected.answeredBy) {
      expect(r.text).toContain('You said:');
      expect(r.text).toContain('Alice Smith'); // rehydrated for the caller
      expect(audits[0]).toMatchObject({ provider: expected.answeredBy, outcome: 'answered', policyHash: routing.hash });
    } else {
      expect(openaiStandIn.requests).toHaveLength(0);
    }
    assertNoPersonalData();
    await gateway.close();
  });

  it('a stream dropped after tokens were delivered is a clear typed error, not a silent second answer', async () => {
    ollamaA.faults.push({ kind: 'drop', afterChunks: 3 });
    const { gateway } = gatewayWith([ollamaA.url]);
    const r = await run(gateway, { cloudAllowed: true });
    expect(r.error).toBeInstanceOf(ProviderError);
    expect((r.error as ProviderError).failure).toBe('unavailable');
    expect(openaiStandIn.requests).toHaveLength(0);
    expect(audits[0]).toMatchObject({ outcome: 'failed', failure: 'unavailable' });
  });
});

describe('faults on the cloud OpenAI endpoint', () => {
  const table: [string, Fault[], { targets: string[]; outcome: string; answeredBy: 'ollama' | 'openai' }][] = [
    [
      '500 once: retried, answered',
      [{ kind: 'status', status: 500 }],
      { targets: ['gpt', 'gpt'], outcome: 'answered', answeredBy: 'openai' },
    ],
    [
      '429 Retry-After: 1: waited, answered',
      [{ kind: 'status', status: 429, retryAfter: '1' }],
      { targets: ['gpt', 'gpt'], outcome: 'answered', answeredBy: 'openai' },
    ],
    [
      'malformed SSE JSON: falls back to the local pool',
      [{ kind: 'malformed', afterChunks: 0 }],
      { targets: ['gpt', 'pool'], outcome: 'answered', answeredBy: 'ollama' },
    ],
    [
      'dropped before the first token twice: falls back to the pool',
      [
        { kind: 'drop', afterChunks: 0 },
        { kind: 'drop', afterChunks: 0 },
      ],
      { targets: ['gpt', 'gpt', 'pool'], outcome: 'answered', answeredBy: 'ollama' },
    ],
    [
      '401 (bad key): no retry, falls back',
      [{ kind: 'status', status: 401 }],
      { targets: ['gpt', 'pool'], outcome: 'answered', answeredBy: 'ollama' },
    ],
  ];
  it.each(table)('%s', async (_name, faults, expected) => {
    openaiStandIn.faults.push(...faults);
    const { gateway } = gatewayWith([ollamaA.url]);
    const r = await run(gateway, { cloudAllowed: true, site: 'cloud-first' });
    expect(r.error).toBeUndefined();
    expect(r.targets).toEqual(expected.targets);
    expect(r.end).toMatchObject({ outcome: expected.outcome });
    expect(audits[0]).toMatchObject({ provider: expected.answeredBy });
    expect(r.text).toContain('Alice Smith');
    const sent = JSON.parse(openaiStandIn.requests[0]!.body) as { messages: { content: string }[]; stream: boolean };
    expect(sent.stream).toBe(true);
    expect(sent.messages[0]!.content).toMatch(/<PERSON_1>.*<EMAIL_1>.*<IBAN_1>/);
    assertNoPersonalData();
    await gateway.close();
  });
});

describe('the Ollama host pool', () => {
  it('spreads concurrent requests by least outstanding and leaves out a host that fails its health check', async () => {
    ollamaA.chunkDelayMs = 20;
    ollamaB.chunkDelayMs = 20;
    const { gateway, ollamaClient } = gatewayWith([ollamaA.url, ollamaB.url]);
    const held = await Promise.all(Array.from({ length: 4 }, () => ollamaClient.pool.acquire()));
    expect([ollamaClient.pool.outstanding(ollamaA.url), ollamaClient.pool.outstanding(ollamaB.url)]).toEqual([2, 2]);
    // the least loaded host gets the next one, whatever the rotation says
    ollamaClient.pool.release(ollamaA.url, 'ok');
    expect(await ollamaClient.pool.acquire()).toBe(ollamaA.url);
    ollamaClient.pool.release(ollamaA.url, 'ok');
    held.splice(held.indexOf(ollamaA.url), 1); // that one was released above
    for (const h of held) ollamaClient.pool.release(h!, 'ok');
    expect(ollamaClient.pool.outstanding(ollamaA.url) + ollamaClient.pool.outstanding(ollamaB.url)).toBe(0);
    // end to end, concurrent streams reach both hosts
    await Promise.all(Array.from({ length: 6 }, () => run(gateway, { cloudAllowed: false })));
    expect(chatCalls(ollamaA)).toBeGreaterThan(0);
    expect(chatCalls(ollamaB)).toBeGreaterThan(0);

    ollamaB.healthy = false;
    await ollamaClient.pool.check();
    expect(ollamaClient.pool.healthy()).toEqual([ollamaA.url]);
    const before = chatCalls(ollamaB);
    await Promise.all(Array.from({ length: 4 }, () => run(gateway, { cloudAllowed: false })));
    expect(chatCalls(ollamaB)).toBe(before);
    ollamaB.healthy = true;
    await ollamaClient.pool.check();
    expect(ollamaClient.pool.healthy()).toHaveLength(2);
    ollamaA.chunkDelayMs = 0;
    ollamaB.chunkDelayMs = 0;
    ollamaClient.pool.stop();
    assertNoPersonalData();
  });
});
