// Cloud budgets counted in the database (server/models/budgets.ts): every node of an install draws
// on the same counters, a restart does not give a budget back, concurrent reservations never pass
// a limit, and a budget that cannot be read sends nothing to the cloud. The gateways here are
// separate instances on one database, as two nodes would be; the last test goes through /v1.
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatEvent, ModelRequestAudit } from '../../gateway/index.ts';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import { createBudgets, type Budgets } from '../../gateway/routing/budget.ts';
import { parseRoutingPolicy } from '../../gateway/routing/policy.ts';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { databaseBudgets } from '../../server/models/budgets.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { StandIn } from '../support/standins/faults.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';
import { standInGateway } from '../support/standins/gateway.ts';
import { policiesDir } from '../support/widget.ts';

const redaction = createDefaultRedactionEngine({
  policy: loadRedactionPolicyFromYamlText(
    readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8'),
  ),
  hmacKey: new Uint8Array(32).fill(7),
});
const routing = (budgets: string) =>
  parseRoutingPolicy(`version: 1
targets:
  pool: { provider: ollama, model: llama-standin, location: local }
  gpt: { provider: openai, model: gpt-standin, location: cloud }
retries: { rateLimit: 0, timeout: 0, serverError: 0, backoffMs: 1, maxBackoffMs: 5, maxRetryAfterMs: 2000 }
cooldown: { failures: 100, seconds: 1 }
timeouts: { firstTokenMs: 2000, totalMs: 5000 }
budgets: ${budgets}
rules:
  - { id: cloud-first, when: { cloudAllowed: true }, action: cloud, chain: [gpt, pool] }
  - { id: local-only, action: local, chain: [pool] }
`);

let server: TestServer;
let pool: OllamaStandIn;
let cloud: StandIn;
let audits: ModelRequestAudit[];
let now: number;

beforeAll(async () => {
  [server, pool, cloud] = await Promise.all([startTestServer(), startOllamaStandIn(), startOpenAIStandIn()]);
});
afterAll(async () => {
  await Promise.all([server?.stop(), pool?.close(), cloud?.close()]);
});
beforeEach(async () => {
  for (const s of [pool, cloud]) {
    s.requests.length = 0;
    s.faults.length = 0;
  }
  audits = [];
  now = Date.parse('2026-11-24T10:00:00Z');
  await server.deps.db.dataSource.query('DELETE FROM model_budget_usage');
});

const db = () => server.deps.db.dataSource;

/** one node: its own gateway and budget store, on the shared database */
function node(budgets: string, store = databaseBudgets(db(), () => now)) {
  return standInGateway({
    pool,
    cloud,
    policy: routing(budgets),
    redaction,
    audits,
    now: () => now,
    extra: { budgets: store },
  });
}

async function ask(
  gw: ReturnType<typeof node>,
  question: string,
  opts: { site?: string; caller?: { type: 'api_key' | 'visitor'; id: string } } = { site: 'web' },
) {
  const events: ChatEvent[] = [];
  for await (const e of gw.chat({ messages: [{ role: 'user', content: question }], cloudAllowed: true, ...opts }))
    events.push(e);
  return { targets: events.flatMap((e) => (e.type === 'target' ? [e.targetId] : [])), audit: audits.at(-1)! };
}

const cloudCalls = () => cloud.requests.filter((r) => r.path.endsWith('/chat/completions')).length;
const usage = async () =>
  (await db().query(
    `SELECT budget_key AS key, kind, used::int AS used FROM model_budget_usage ORDER BY budget_key, kind, window_start`,
  )) as { key: string; kind: string; used: number }[];

describe('cloud budgets in the database', () => {
  it('two nodes draw on one request budget: the fourth call of the window goes local, whichever node takes it', async () => {
    const budgets = '{ cloudRequests: { limit: 3, windowSeconds: 60 } }';
    const [a, b] = [node(budgets), node(budgets)];
    const results = [];
    for (const [i, gw] of [a, b, a, b, a].entries())
      results.push(await ask(gw, `What does a replacement card cost? (${i})`));
    expect(results.map((r) => r.targets.at(-1))).toEqual(['gpt', 'gpt', 'gpt', 'pool', 'pool']);
    expect(results.map((r) => r.audit.budget)).toEqual([null, null, null, 'cloud_requests', 'cloud_requests']);
    expect(cloudCalls()).toBe(3);
    expect(await usage()).toEqual([{ key: 'site:web', kind: 'requests', used: 3 }]);
  });

  it('concurrent reservations from two stores never pass the limit', async () => {
    const stores = [databaseBudgets(db(), () => now), databaseBudgets(db(), () => now)];
    const limits = { cloudRequests: { limit: 5, windowSeconds: 60 } };
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => stores[i % 2]!.reserveCloudCall('site:web', limits)),
    );
    expect(answers.filter((a) => a === undefined)).toHaveLength(5);
    expect(answers.filter((a) => a === 'cloud_requests')).toHaveLength(19);
    expect(await usage()).toEqual([{ key: 'site:web', kind: 'requests', used: 5 }]);
  });

  it('the database and the in-process counters answer alike, call by call', async () => {
    const limits = { cloudTokens: { limit: 100, windowSeconds: 3600 }, cloudRequests: { limit: 2, windowSeconds: 60 } };
    const steps = async (store: Budgets) => {
      const out: (string | undefined)[] = [];
      out.push(await store.reserveCloudCall('site:a', limits));
      await store.spendTokens('site:a', limits, 60);
      out.push(await store.reserveCloudCall('site:a', limits));
      out.push(await store.reserveCloudCall('site:a', limits)); // the third call of the minute
      await store.spendTokens('site:a', limits, 60);
      out.push(await store.reserveCloudCall('site:a', limits)); // both spent: the request budget is named
      now += 60_000;
      out.push(await store.reserveCloudCall('site:a', limits)); // a new minute, the same hour
      out.push(await store.reserveCloudCall('site:b', limits)); // another site
      return out;
    };
    const start = now;
    const inProcess = await steps(createBudgets(() => now));
    now = start;
    expect(await steps(databaseBudgets(db(), () => now))).toEqual(inProcess);
    expect(inProcess).toEqual([undefined, undefined, 'cloud_requests', 'cloud_requests', 'cloud_tokens', undefined]);
  });

  it('a spent token budget stays spent after a restart; the next window starts afresh and the old one is deleted', async () => {
    const budgets = '{ cloudTokens: { limit: 20, windowSeconds: 3600 } }';
    const first = await ask(
      node(budgets),
      'Explain the fees for a replacement card in as much detail as you can, please.',
    );
    expect(first.targets).toEqual(['gpt']);
    const spent = first.audit.tokensIn + first.audit.tokensOut;
    expect(spent).toBeGreaterThan(20);
    await expect.poll(usage).toEqual([{ key: 'site:web', kind: 'tokens', used: spent }]); // charged after the answer, not waited for
    // A new process: a new gateway and store on the same database.
    const restarted = node(budgets);
    const again = await ask(restarted, 'And for a second card?');
    expect(again).toMatchObject({ targets: ['pool'], audit: { budget: 'cloud_tokens', outcome: 'answered' } });
    expect(cloudCalls()).toBe(1);
    now += 3600_000;
    expect((await ask(restarted, 'And next hour?')).targets).toEqual(['gpt']);
    // The ended window is gone; the new one holds this call's charge.
    await expect
      .poll(async () => (await usage()).map((r) => `${r.key} ${r.kind} ${r.used > 0}`))
      .toEqual(['site:web tokens true']);
  });

  it('fails closed: a budget that cannot be read sends nothing to the cloud', async () => {
    const broken = databaseBudgets({ query: () => Promise.reject(new Error('connection lost')) }, () => now);
    const r = await ask(
      node('{ cloudRequests: { limit: 100, windowSeconds: 60 } }', broken),
      'What does a replacement card cost?',
    );
    expect(r).toMatchObject({ targets: ['pool'], audit: { budget: 'budget_unavailable', outcome: 'answered' } });
    expect(cloudCalls()).toBe(0);
    // With no budget in the policy, the store is not asked at all.
    expect((await ask(node('{}', broken), 'And a second card?')).targets).toEqual(['gpt']);
  });

  it('a token charge the database did not take is tried again; one it never takes is given up and logged', async () => {
    let failures = 2; // as a database restarting would
    // (the statement may come as pg's named-query config: see prepared.ts)
    const textOf = (sql: string | { text: string }) => (typeof sql === 'string' ? sql : sql.text);
    const flaky = {
      query: (sql: string, values?: unknown[]) =>
        /INSERT/.test(textOf(sql)) && failures-- > 0
          ? Promise.reject(new Error('connection lost'))
          : db().query(sql, values),
    };
    const limits = { cloudTokens: { limit: 1000, windowSeconds: 3600 } };
    await databaseBudgets(flaky, () => now, { retryMs: 1 }).spendTokens('site:web', limits, 70);
    expect(failures).toBe(-1); // both faults were met, and the third try went through
    expect(await usage()).toEqual([{ key: 'site:web', kind: 'tokens', used: 70 }]); // charged once
    const down = { query: () => Promise.reject(new Error('connection lost')) };
    await expect(databaseBudgets(down, () => now, { retryMs: 1 }).spendTokens('site:web', limits, 5)).rejects.toThrow(
      'connection lost',
    );
    // Through the gateway: the answer is not held up or failed by it, and the log says so (counts only).
    const logged: { event: string; fields: Record<string, unknown> }[] = [];
    const store = databaseBudgets(db(), () => now);
    const gw = standInGateway({
      pool,
      cloud,
      policy: routing('{ cloudTokens: { limit: 1000, windowSeconds: 3600 } }'),
      redaction,
      audits,
      now: () => now,
      extra: {
        budgets: {
          reserveCloudCall: store.reserveCloudCall,
          spendTokens: () => Promise.reject(new Error('connection lost')),
        },
        log: (event, fields) => void logged.push({ event, fields }),
      },
    });
    expect(await ask(gw, 'What does a replacement card cost?')).toMatchObject({
      targets: ['gpt'],
      audit: { outcome: 'answered' },
    });
    await expect
      .poll(() => logged.find((l) => l.event === 'gateway.budget_spend_failed')?.fields)
      .toEqual({ target: 'gpt', tokens: expect.any(Number) });
  });

  it('a budget key names a site or an API key, never a visitor', async () => {
    const budgets = '{ cloudRequests: { limit: 10, windowSeconds: 60 } }';
    const gw = node(budgets);
    await ask(gw, 'Question one?', { caller: { type: 'visitor', id: 'subject-7f3a' } });
    await ask(gw, 'Question two?', { caller: { type: 'api_key', id: 'key-1' } });
    await ask(gw, 'Question three?', { site: 'web', caller: { type: 'visitor', id: 'subject-7f3a' } });
    expect((await usage()).map((r) => r.key)).toEqual(['anonymous', 'api_key:key-1', 'site:web']);
  });
});

describe('through /v1/chat/completions', () => {
  it("the server counts an API key's cloud calls in its database", async () => {
    const policies = policiesDir({
      'routing.yaml': `version: 1
targets:
  gpt: { provider: openai, model: gpt-standin, location: cloud }
  kb: { provider: extractive, model: kb, location: local }
budgets: { cloudRequests: { limit: 1, windowSeconds: 3600 } }
rules:
  - { id: cloud-first, when: { cloudAllowed: true }, action: cloud, chain: [gpt, kb] }
  - { id: local-only, action: local, chain: [kb] }
`,
    });
    const appliance = await startTestServer({
      OPENAI_API_KEY: 'sk-standin',
      OPENAI_BASE_URL: `${cloud.url}/v1`,
      PALISADE_POLICIES_DIR: policies.dir,
    });
    try {
      const { key, apiKey } = await appliance.deps.db.dataSource.transaction((tx) =>
        createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name: 'cloud-tool', allowCloud: true } }),
      );
      const client = new OpenAI({ apiKey: key, baseURL: `${appliance.url}/v1`, maxRetries: 0 });
      for (const q of ['What does a replacement card cost?', 'How do I report a lost card?'])
        await client.chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: q }] });
      expect(cloudCalls()).toBe(1);
      const rows = (await appliance.deps.db.dataSource.query(
        `SELECT budget_key, kind, used::int AS used FROM model_budget_usage`,
      )) as unknown[];
      expect(rows).toEqual([{ budget_key: `api_key:${apiKey.id}`, kind: 'requests', used: 1 }]);
    } finally {
      await appliance.stop();
      policies.remove();
    }
  });
});
