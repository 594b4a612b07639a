// The answer cache and the cloud budgets, through the real openai and ollama providers against
// their loopback stand-ins, the real redaction engine and output scan, and a clock the test moves.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { redisAnswerStore } from '../../server/cluster/answerStore.ts';
import { createGateway, type ChatEvent, type ModelRequestAudit, type SharedAnswerStore } from '../../gateway/index.ts';
import { createAnalyzer } from '../../gateway/redaction/analyzer.ts';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { createOutputScanner } from '../../gateway/redaction/output-scan.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import { InMemoryVaultStore } from '../../gateway/redaction/vault-store.ts';
import { providers } from '../../gateway/providers/index.ts';
import { parseRoutingPolicy } from '../../gateway/routing/policy.ts';
import { auditDetails } from '../../server/models/service.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';
import { standInGateway } from '../support/standins/gateway.ts';
import type { StandIn } from '../support/standins/faults.ts';

const redactionPolicy = loadRedactionPolicyFromYamlText(
  readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8'),
);
const redaction = createDefaultRedactionEngine({ policy: redactionPolicy, hmacKey: new Uint8Array(32).fill(5) });
const scan = createOutputScanner({ analyzer: createAnalyzer(), policy: redactionPolicy });
const routing = parseRoutingPolicy(`version: 1
targets:
  pool: { provider: ollama, model: llama-standin, location: local }
  gpt: { provider: openai, model: gpt-standin, location: cloud }
retries: { rateLimit: 0, timeout: 0, serverError: 0, backoffMs: 1, maxBackoffMs: 5, maxRetryAfterMs: 2000 }
cooldown: { failures: 100, seconds: 1 }
timeouts: { firstTokenMs: 2000, totalMs: 5000 }
budgets:
  cloudTokens: { limit: 40, windowSeconds: 3600 }
  cloudRequests: { limit: 3, windowSeconds: 60 }
rules:
  - { id: cloud-first, when: { cloudAllowed: true }, action: cloud, chain: [gpt, pool] }
  - { id: local-only, action: local, chain: [pool] }
`);

const KB_QUESTION = 'How do I order a replacement card?';
const PERSONAL_QUESTION = 'I am Alice Smith, alice.smith@example.com: how do I order a replacement card?';

let pool: OllamaStandIn;
let cloud: StandIn;
let audits: ModelRequestAudit[];
let now: number;
let kbVersion: string;

beforeAll(async () => {
  [pool, cloud] = await Promise.all([startOllamaStandIn(), startOpenAIStandIn()]);
});
afterAll(async () => {
  await Promise.all([pool.close(), cloud.close()]);
});
beforeEach(() => {
  for (const s of [pool, cloud]) {
    s.requests.length = 0;
    s.faults.length = 0;
  }
  audits = [];
  now = 1_000_000;
  kbVersion = 'kb-1';
});

function gateway(shared?: SharedAnswerStore) {
  return standInGateway({
    pool,
    cloud,
    policy: routing,
    redaction,
    audits,
    now: () => now,
    extra: {
      scanOutput: async (text, lang) => {
        const r = await scan(text, lang);
        return r.ok ? r.total : null;
      },
      answerCache: { ttlMs: 60_000, knowledgeVersion: async () => kbVersion, ...(shared ? { shared } : {}) },
    },
  });
}

async function ask(gw: ReturnType<typeof gateway>, question: string, opts: { cloudAllowed: boolean; site?: string }) {
  const events: ChatEvent[] = [];
  for await (const e of gw.chat({ messages: [{ role: 'user', content: question }], ...opts })) events.push(e);
  const text = events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('');
  return {
    text,
    end: events.find((e) => e.type === 'end'),
    targets: events.flatMap((e) => (e.type === 'target' ? [e.targetId] : [])),
    audit: audits.at(-1)!,
  };
}

const calls = (s: StandIn) =>
  s.requests.filter((r) => r.path.endsWith('/chat') || r.path.endsWith('/chat/completions')).length;

describe('answer cache', () => {
  it('answers a repeated question without a model call; case and spacing do not matter', async () => {
    const gw = gateway();
    const first = await ask(gw, KB_QUESTION, { cloudAllowed: false });
    expect(first.audit.cache).toBe('miss');
    const again = await ask(gw, `  how do I ORDER a   replacement card?`, { cloudAllowed: false });
    expect(again.audit).toMatchObject({ cache: 'hit', outcome: 'answered', targetId: 'pool', provider: 'ollama' });
    expect(again.text).toBe(first.text);
    expect(calls(pool)).toBe(1);
  });

  it('is one cache for every node when it is in Redis: a second node answers without a model call', async () => {
    const client = new Redis('redis://127.0.0.1:6379');
    const keyPrefix = `palisade-test-${randomBytes(4).toString('hex')}:`;
    const shared = redisAnswerStore({ client, keyPrefix });
    const node = () => gateway(shared);
    try {
      const first = await ask(node(), KB_QUESTION, { cloudAllowed: false });
      expect(first.audit.cache).toBe('miss');
      // Node A stores its answer as the answer ends; node B asks once it is there.
      for (let i = 0; i < 100 && (await client.keys(`${keyPrefix}answer:*`)).length === 0; i++)
        await new Promise((r) => setTimeout(r, 20));
      const again = await ask(node(), KB_QUESTION, { cloudAllowed: false });
      expect(again.audit).toMatchObject({ cache: 'hit', outcome: 'answered' });
      expect(again.text).toBe(first.text);
      expect(calls(pool)).toBe(1);
      expect(await client.keys(`${keyPrefix}answer:*`)).toHaveLength(1);
    } finally {
      const keys = await client.keys(`${keyPrefix}*`);
      if (keys.length) await client.del(...keys);
      client.disconnect();
    }
  });

  it('misses after the knowledge base changes, and after the TTL', async () => {
    const gw = gateway();
    await ask(gw, KB_QUESTION, { cloudAllowed: false });
    kbVersion = 'kb-2';
    expect((await ask(gw, KB_QUESTION, { cloudAllowed: false })).audit.cache).toBe('miss');
    expect((await ask(gw, KB_QUESTION, { cloudAllowed: false })).audit.cache).toBe('hit');
    now += 60_001;
    expect((await ask(gw, KB_QUESTION, { cloudAllowed: false })).audit.cache).toBe('miss');
    expect(calls(pool)).toBe(3);
  });

  it('never caches or serves a request that held personal data', async () => {
    const gw = gateway();
    for (let i = 0; i < 2; i += 1) {
      const r = await ask(gw, PERSONAL_QUESTION, { cloudAllowed: false });
      expect(r.audit.cache).toBe('off');
      expect(r.text).toContain('Alice Smith');
    }
    expect(calls(pool)).toBe(2);
  });

  it('a caller allowed a different route (cloud permission, site) gets its own answer', async () => {
    const gw = gateway();
    await ask(gw, KB_QUESTION, { cloudAllowed: false });
    const cloudCaller = await ask(gw, KB_QUESTION, { cloudAllowed: true });
    expect(cloudCaller.audit).toMatchObject({ cache: 'miss', targetId: 'gpt' });
    expect((await ask(gw, KB_QUESTION, { cloudAllowed: false, site: 'branch-7' })).audit.cache).toBe('miss');
    expect(calls(pool)).toBe(2);
    expect(calls(cloud)).toBe(1);
  });
});

describe('cloud budgets', () => {
  it('over the token budget, the next local target in the chain answers and the audit says why', async () => {
    const gw = gateway();
    const long = `Please explain the card replacement fee schedule in detail, number ${'x'.repeat(80)}`;
    expect((await ask(gw, long, { cloudAllowed: true, site: 'web' })).targets).toEqual(['gpt']);
    const over = await ask(gw, `${long}, again`, { cloudAllowed: true, site: 'web' });
    expect(over.targets).toEqual(['pool']);
    expect(over.audit).toMatchObject({ budget: 'cloud_tokens', targetId: 'pool', outcome: 'answered' });
    expect(auditDetails(over.audit)).toMatchObject({ budget: 'cloud_tokens' });
    // Another site has its own budget; the next window starts afresh.
    expect((await ask(gw, `${long}, site two`, { cloudAllowed: true, site: 'app' })).targets).toEqual(['gpt']);
    now += 3_600_000;
    expect((await ask(gw, `${long}, next hour`, { cloudAllowed: true, site: 'web' })).audit).toMatchObject({
      targetId: 'gpt',
      budget: null,
    });
    expect(calls(cloud)).toBe(3);
  });

  it('over the request rate, the cloud is skipped until the window turns', async () => {
    const gw = gateway();
    const targets: string[] = [];
    for (let i = 0; i < 5; i += 1)
      targets.push(...(await ask(gw, `Opening hours, question ${i}?`, { cloudAllowed: true, site: 'kiosk' })).targets);
    expect(targets).toEqual(['gpt', 'gpt', 'gpt', 'pool', 'pool']);
    expect(audits.map((a) => a.budget)).toEqual([null, null, null, 'cloud_requests', 'cloud_requests']);
    now += 3_600_000; // both windows turn (three answers also spent the hour's 40 tokens)
    expect((await ask(gw, 'Opening hours, question 6?', { cloudAllowed: true, site: 'kiosk' })).targets).toEqual([
      'gpt',
    ]);
  });

  it('a budget never sends anything to the cloud: with no local target left it is a human handoff', async () => {
    const cloudOnly = parseRoutingPolicy(`version: 1
targets:
  gpt: { provider: openai, model: gpt-standin, location: cloud }
budgets: { cloudRequests: { limit: 0, windowSeconds: 60 } }
rules:
  - { id: cloud-only, when: { cloudAllowed: true }, action: cloud, chain: [gpt] }
  - { id: nobody, action: human }
`);
    const gw = createGateway({
      clients: {
        openai: providers.openai.create({ apiKey: 'sk-test', baseURL: `${cloud.url}/v1`, locations: ['cloud'] }),
      },
      policy: () => cloudOnly,
      redaction,
      vaults: new InMemoryVaultStore(),
      audit: { modelRequest: async (e) => void audits.push(structuredClone(e)) },
    });
    const r = await ask(gw, KB_QUESTION, { cloudAllowed: true });
    expect(r.end).toMatchObject({ type: 'end', outcome: 'human' });
    expect(r.audit).toMatchObject({ budget: 'cloud_requests', outcome: 'human' });
    expect(calls(cloud)).toBe(0);
  });
});
