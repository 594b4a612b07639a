// The gateway's `model.request` audit details and its events, for one fixed set of requests that
// walks every way through the pipeline (answered, retried, fallen back, resting, cached, blocked,
// handed to a person, narrowed to a target, too long, over budget, cancelled, failed mid-answer,
// audit unavailable), compared with a recorded fixture: a change to the pipeline's structure must
// leave what it puts on the record unchanged. PALISADE_RECORD_FIXTURE=1 writes the fixture anew.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  createGateway,
  ProviderError,
  type ChatEvent,
  type ChatRequest,
  type ModelClient,
  type ModelRequestAudit,
} from '../../gateway/index.ts';
import { answer, redaction, scripted, type Step } from '../../gateway/model/gateway.testkit.ts';
import type { RedactionEngine } from '../../gateway/redaction/engine.ts';
import { InMemoryVaultStore } from '../../gateway/redaction/vault-store.ts';
import { parseRoutingPolicy } from '../../gateway/routing/policy.ts';
import { auditDetails } from '../../server/models/service.ts';

const FIXTURE = new URL('../fixtures/gateway/model-request-details.json', import.meta.url);

const policy = parseRoutingPolicy(`version: 1
targets:
  a: { provider: ollama, model: m-a, location: local }
  b: { provider: llamacpp, model: m-b, location: local, contextTokens: 200 }
  c: { provider: openai, model: m-c, location: cloud }
  kb: { provider: extractive, model: kb, location: local }
retries: { rateLimit: 1, timeout: 1, serverError: 1, backoffMs: 1, maxBackoffMs: 2, maxRetryAfterMs: 5000 }
cooldown: { failures: 2, seconds: 60 }
timeouts: { firstTokenMs: 150, totalMs: 1000 }
budgets:
  cloudRequests: { limit: 1, windowSeconds: 3600 }
rules:
  - { id: blocked, when: { sites: [blocked] }, action: block }
  - { id: person, when: { sites: [person] }, action: human }
  - { id: cloud, when: { cloudAllowed: true, sites: [cloud] }, action: cloud, chain: [c, kb] }
  - { id: small, when: { sites: [small] }, action: local, chain: [b] }
  - { id: default, action: local, chain: [a, kb] }
`);

const PII = 'I am Alice Smith, alice.smith@example.com, card 4111 1111 1111 1111: why the fee?';

interface Case {
  name: string;
  clients: () => Partial<Record<'ollama' | 'llamacpp' | 'openai' | 'extractive', ModelClient>>;
  requests: (ChatRequest & { leaveAfterDeltas?: number })[];
  writable?: boolean;
  engine?: RedactionEngine;
  scan?: number | null;
}

const ask = (content: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  messages: [{ role: 'user', content }],
  cloudAllowed: false,
  ...extra,
});
const kb = () => scripted('local', [answer('From the help articles: ', 'call us.')]).client;
const fail = (
  failure: ConstructorParameters<typeof ProviderError>[0],
  cause?: ConstructorParameters<typeof ProviderError>[4],
): Step[] => [{ fail: new ProviderError(failure, failure, undefined, undefined, cause) }];

const cases: Case[] = [
  {
    name: 'answered with personal data rehydrated',
    clients: () => ({ ollama: scripted('local', [answer('Dear <PER', 'SON_1>, fixed.')]).client }),
    requests: [ask(PII, { requestId: 'r1', caller: { type: 'api_key', id: 'k1' } })],
  },
  {
    name: 'instructions and a conversation, twice (the memo)',
    clients: () => ({ ollama: scripted('local', [answer('ok')]).client }),
    requests: [
      ask(PII, { conversationId: 'c1', instructions: 'Be brief.' }),
      {
        messages: [
          { role: 'user', content: PII },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'and Bob Jones?' },
        ],
        cloudAllowed: false,
        conversationId: 'c1',
        instructions: 'Be brief.',
      },
    ],
  },
  {
    name: 'a retry, then answered',
    clients: () => ({ ollama: scripted('local', [fail('server_error', 'http_503'), answer('ok')]).client }),
    requests: [ask('hello')],
  },
  {
    name: 'fallback after failures, then resting',
    clients: () => ({
      ollama: scripted('local', [fail('unavailable', 'connection_refused')]).client,
      extractive: kb(),
    }),
    requests: [ask('one'), ask('two'), ask('three')],
  },
  {
    name: 'all targets failed',
    clients: () => ({
      ollama: scripted('local', [fail('bad_response', 'malformed_stream')]).client,
      extractive: scripted('local', [fail('unavailable')]).client,
    }),
    requests: [ask('x')],
  },
  {
    name: 'first-token timeout, then the next target',
    clients: () => ({ ollama: scripted('local', [[{ hangMs: 400 }, ...answer('late')]]).client, extractive: kb() }),
    requests: [ask('slow')],
  },
  {
    name: 'the answer cache: a miss, then a hit; personal data: off',
    clients: () => ({ ollama: scripted('local', [answer('Cached answer.')]).client }),
    requests: [ask('What are the opening hours?'), ask('What are the opening hours?'), ask(PII)],
  },
  {
    name: 'blocked, human, redaction failed',
    clients: () => ({ ollama: scripted('local', [answer('no')]).client }),
    requests: [ask('x', { site: 'blocked' }), ask('x', { site: 'person' })],
  },
  {
    name: 'redaction fails',
    clients: () => ({ ollama: scripted('local', [answer('no')]).client }),
    engine: {
      ...redaction,
      redact: async () => ({ ok: false as const, error: 'analyzer down' }),
    } as unknown as RedactionEngine,
    requests: [ask('x')],
  },
  {
    name: 'a named target: in the route, and not',
    clients: () => ({ ollama: scripted('local', [answer('a')]).client, extractive: kb() }),
    requests: [ask('x', { target: 'kb' }), ask('x', { target: 'c' })],
  },
  {
    name: 'too long for the only window',
    clients: () => ({ llamacpp: scripted('local', [answer('b')]).client }),
    requests: [ask('long '.repeat(400), { site: 'small' })],
  },
  {
    name: 'cloud budget spent: the next target',
    clients: () => ({ openai: scripted('cloud', [answer('cloud')]).client, extractive: kb() }),
    requests: [ask('q1', { site: 'cloud', cloudAllowed: true }), ask('q2', { site: 'cloud', cloudAllowed: true })],
  },
  {
    name: 'audit unavailable',
    writable: false,
    clients: () => ({ ollama: scripted('local', [answer('no')]).client }),
    requests: [ask('x')],
  },
  {
    name: 'output scan counts',
    scan: 2,
    clients: () => ({ ollama: scripted('local', [answer('Call 555-0100.')]).client }),
    requests: [ask('phone?')],
  },
  {
    name: 'failed after text was delivered',
    clients: () => ({
      ollama: scripted('local', [[{ type: 'delta', text: 'part' }, ...fail('unavailable', 'stream_cut')]]).client,
      extractive: kb(),
    }),
    requests: [ask('cut')],
  },
  {
    name: 'the caller leaves mid-answer',
    clients: () => ({ ollama: scripted('local', [answer('one ', 'two ', 'three')]).client }),
    requests: [{ ...ask('leave'), leaveAfterDeltas: 1 }],
  },
];

async function run(c: Case) {
  const audits: ModelRequestAudit[] = [];
  const gateway = createGateway({
    clients: c.clients(),
    policy: () => policy,
    redaction: c.engine ?? redaction,
    vaults: new InMemoryVaultStore(),
    audit: { modelRequest: (e) => void audits.push(structuredClone(e)), writable: () => c.writable ?? true },
    clock: { now: () => 0, wait: async () => undefined },
    answerCache: { ttlMs: 60_000, knowledgeVersion: async () => 'v1' },
    ...(c.scan !== undefined ? { scanOutput: async () => c.scan ?? null } : {}),
  });
  const runs: { events: ChatEvent[]; error: string | null }[] = [];
  for (const { leaveAfterDeltas, ...req } of c.requests) {
    const events: ChatEvent[] = [];
    let error: string | null = null;
    try {
      let deltas = 0;
      for await (const e of gateway.chat(req)) {
        events.push(e);
        if (e.type === 'delta' && (deltas += 1) === leaveAfterDeltas) break;
      }
    } catch (e) {
      error = e instanceof Error ? e.name : 'unknown';
    }
    runs.push({ events, error });
  }
  await gateway.close();
  return { name: c.name, runs, details: audits.map(auditDetails), audits };
}

describe('model.request audit details', () => {
  it('are those recorded for the same requests', async () => {
    const results = [];
    for (const c of cases) results.push(await run(c));
    const seen = JSON.parse(JSON.stringify(results)) as unknown;
    if (process.env.PALISADE_RECORD_FIXTURE === '1') {
      fs.mkdirSync(new URL('.', FIXTURE), { recursive: true });
      fs.writeFileSync(FIXTURE, JSON.stringify(seen, null, 1) + '\n');
    }
    const recorded = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as unknown;
    expect(seen).toEqual(recorded);
  });
});
