// The admin's system screens through the real server: a policy draft checked by the start's own
// parser (every error by its path, nothing in force changed, bad input refused with its id); the
// model targets with their state, hosts, last hour on this node, cloud budget and cache hit rate
// after real requests to OpenAI-compatible stand-ins; the system's state with no secret in it.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  POLICY_FILES,
  type ModelTargetsAnswer,
  type PolicyCheckAnswer,
  type SystemAnswer,
} from '../../protocol/system.ts';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { poolsPolicy, writePolicies } from '../support/modelPools.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import type { StandIn } from '../support/standins/faults.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';

const PASSWORD = 'correct horse battery staple';
const MASTER_KEY = Buffer.from('a master key of 32 bytes, secret').toString('base64');
const JWT_SECRET = 'a-jwt-secret-that-must-never-be-shown-0123456789';
const OPENAI_KEY = 'sk-never-shown-openai-key-42';
const tokens: Record<string, string> = {};
let server: TestServer;
let policiesDir: string;
let standIns: StandIn[];
let keys: { local: string; cloud: string; cloudId: string };

beforeAll(async () => {
  standIns = await Promise.all([startOpenAIStandIn(), startOpenAIStandIn(), startOpenAIStandIn()]);
  const [vllmA, vllmB, cloud] = standIns as [StandIn, StandIn, StandIn];
  // One failed request rests a target; the cloud has a request budget; `ollama-gpu` has no client here.
  policiesDir = writePolicies((keyDir) =>
    poolsPolicy({ vllm: [vllmA.url, vllmB.url], cloud: cloud.url, keyDir })
      .replace(
        'cooldown: { failures: 100, seconds: 1 }',
        'cooldown: { failures: 1, seconds: 600 }\nbudgets: { cloudRequests: { limit: 5, windowSeconds: 3600 } }',
      )
      .replace('targets:\n', 'targets:\n  ollama-gpu: { provider: ollama, model: llama3.1:8b, location: local }\n'),
  );
  server = await startTestServer({
    PALISADE_POLICIES_DIR: policiesDir,
    MASTER_KEY,
    JWT_SECRET,
    OPENAI_API_KEY: OPENAI_KEY,
    OPENAI_BASE_URL: `http://user:pw-never-shown@127.0.0.1:9/v1`,
  });
  for (const role of ['admin', 'compliance_officer', 'agent'] as const) {
    await seedStaff(server, { email: `system-${role}@bank.test`, password: PASSWORD, role });
    tokens[role] = (await bearerLogin(server, `system-${role}@bank.test`, PASSWORD)).accessToken;
  }
  const make = (name: string, allowCloud: boolean) =>
    server.deps.db.dataSource.transaction((tx) =>
      createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name, allowCloud } }),
    );
  const local = await make('internal-tool', false);
  const cloudKey = await make('cloud-tool', true);
  keys = { local: local.key, cloud: cloudKey.key, cloudId: cloudKey.apiKey.id };
  // Warm the analyzers: a cold first text can outlast its budget and fail closed (no model asked).
  const analyze = server.deps.analyzers?.analyzer();
  for (let i = 0; analyze && i < 30 && !(await analyze('Warm-up for Alice Smith')).ok; i += 1);
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await Promise.all((standIns ?? []).map((s) => s.close()));
  if (policiesDir) fs.rmSync(policiesDir, { recursive: true, force: true });
});

const check = (body: unknown, token = tokens.admin) =>
  api<PolicyCheckAnswer & { error?: { id: string; issues?: { path: string }[] } }>(
    server,
    'POST',
    '/api/policies/check',
    { token, body },
  );
const onDisk = (file: string) => fs.readFileSync(path.join(policiesDir, file), 'utf8');

describe('POST /api/policies/check', () => {
  it('takes every shipped policy file as it is: the start would too', async () => {
    for (const file of POLICY_FILES) {
      const res = await check({ file, text: onDisk(file) });
      expect(res.status, file).toBe(200);
      expect(res.body, file).toMatchObject({
        file,
        valid: true,
        errors: [],
        sha256: createHash('sha256').update(onDisk(file)).digest('hex'),
      });
    }
  });

  it('names each error of a draft by its path, and changes nothing in force', async () => {
    const before = await api<{ policies: { name: string; sha256: string; inForce: string }[] }>(
      server,
      'GET',
      '/api/policies',
      { token: tokens.admin },
    );
    const hash = server.models.policy.current().hash;
    const routing = onDisk('routing.yaml');
    const draft = routing.replace(
      'kb: { provider: extractive, model: kb, location: local }',
      'kb: { provider: extractive, model: kb, location: moon, contextTokens: lots }',
    );
    expect(draft).not.toBe(routing);
    const res = await check({ file: 'routing.yaml', text: draft });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors).toEqual([
      { path: 'targets.kb.location', message: expect.stringMatching(/local.*cloud/) },
      { path: 'targets.kb.contextTokens', message: expect.stringMatching(/expected number/i) },
    ]);
    // the rules between fields, once the shapes hold
    const chain = await check({
      file: 'routing.yaml',
      text: routing.replace('chain: [gpt, vllm]', 'chain: [gpt, nowhere]'),
    });
    expect(chain.body.errors).toEqual([
      { path: expect.stringMatching(/^rules\.\d+\.chain\.1$/), message: 'unknown target nowhere' },
    ]);
    expect(server.models.policy.current().hash).toBe(hash);
    expect(onDisk('routing.yaml')).toBe(routing);
    const after = await api(server, 'GET', '/api/policies', { token: tokens.admin });
    expect(after.body).toEqual(before.body);
  });

  it.each([
    ['routing.yaml', 'version: 1\ntargets: [unclosed', '(yaml)'],
    ['retention.yaml', (t: string) => t.replace('nearDueDays: 7', 'nearDueDays: 30'), 'requests.nearDueDays'],
    [
      'sites.yaml',
      (t: string) => t.replace(/defaultLanguage: \w+/, 'defaultLanguage: Klingon!'),
      /^sites\.[a-z0-9_-]+\.defaultLanguage$/,
    ],
    ['redaction.yaml', (t: string) => t.replace(/threshold: [\d.]+/, 'threshold: 7'), /threshold$/],
    ['consent.yaml', (t: string) => t.replace(/^version: .*$/m, 'version: "has spaces"'), 'version'],
    ['sso.yaml', 'claim: groups\nroles: []\n', 'roles'],
    ['kb-synonyms.yaml', 'en: [[only-one]]\n', /^en\.0/],
  ] as const)('%s: the error carries its path', async (file, edit, where) => {
    const text = typeof edit === 'string' ? edit : edit(onDisk(file));
    expect(text).not.toBe(onDisk(file));
    const res = await check({ file, text });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(res.body.errors.map((e) => e.path)).toContainEqual(
      typeof where === 'string' ? where : expect.stringMatching(where),
    );
  });

  it("judges a pool's key file as the start does (a missing one is an error), without showing a key", async () => {
    const draft = onDisk('routing.yaml').replace(
      /apiKeyFile: [^,}]*vllm\.key/,
      `apiKeyFile: ${policiesDir}/no-such.key`,
    );
    const res = await check({ file: 'routing.yaml', text: draft });
    expect(res.body.errors).toEqual([
      { path: 'pools.gpu.apiKeyFile', message: `cannot read ${policiesDir}/no-such.key` },
    ]);
    expect(JSON.stringify((await check({ file: 'routing.yaml', text: onDisk('routing.yaml') })).body)).not.toContain(
      'vllm-pool-key',
    );
  });

  it('refuses bad input with a stable id and never a 500', async () => {
    const big = await check({ file: 'routing.yaml', text: `# ${'x'.repeat(256 * 1024)}\n` });
    expect([big.status, big.body.error?.id]).toEqual([413, 'policy_draft_too_large']);
    for (const file of ['nope.yaml', '../../etc/passwd', 'routing.yml']) {
      const res = await check({ file, text: 'version: 1' });
      expect([res.status, res.body.error?.id], file).toEqual([400, 'policy_file_unknown']);
    }
    const nul = await check({ file: 'routing.yaml', text: 'version: 1\u0000' });
    expect([nul.status, nul.body.error?.id, nul.body.error?.issues?.[0]?.path]).toEqual([
      400,
      'validation_failed',
      'text',
    ]);
    const missing = await check({ file: 'routing.yaml' });
    expect([missing.status, missing.body.error?.id]).toEqual([400, 'validation_failed']);
    const extra = await check({ file: 'routing.yaml', text: '', apply: true });
    expect([extra.status, extra.body.error?.id]).toEqual([400, 'validation_failed']);
  });

  it('is for admins alone: others are refused before anything is parsed', async () => {
    expect((await check({ file: 'routing.yaml', text: '' }, tokens.compliance_officer)).status).toBe(403);
    expect((await check({ file: 'routing.yaml', text: '' }, tokens.agent)).status).toBe(403);
    expect(
      (await api(server, 'POST', '/api/policies/check', { body: { file: 'routing.yaml', text: '' } })).status,
    ).toBe(401);
  });
});

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
const ask = (key: string, content: string) =>
  client(key).chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content }] });
const targets = async () => {
  const res = await api<ModelTargetsAnswer>(server, 'GET', '/api/models/targets', { token: tokens.admin });
  expect(res.status).toBe(200);
  return res.body;
};

describe('GET /api/models/targets', () => {
  it('each target with its state, hosts and last hour on this node; the cloud budget; the cache hit rate', async () => {
    const start = await targets();
    expect(start.node).toBe(server.deps.nodeId);
    expect(start.windowSeconds).toBe(3600);
    const byId = (a: ModelTargetsAnswer) => new Map(a.targets.map((t) => [t.id, t]));
    expect(Object.fromEntries([...byId(start)].map(([id, t]) => [id, t.state]))).toEqual({
      'ollama-gpu': 'not_configured',
      vllm: 'ready',
      gpt: 'ready',
      kb: 'ready',
    });

    for (const q of [
      'What are the opening hours of the branches?',
      'How do I order a new card?',
      'Where is the nearest branch?',
    ])
      await ask(keys.local, q);
    await ask(keys.local, 'How do I order a new card?'); // the same again: from the answer cache
    // The cloud fails once: it rests at once (failures: 1, so no retry), and the request falls back to the pool.
    standIns[2]!.faults.push({ kind: 'status', status: 500 });
    await ask(keys.cloud, 'Which savings accounts do you offer?');

    const now = await targets();
    const vllm = byId(now).get('vllm')!;
    expect(vllm).toMatchObject({ state: 'ready', provider: 'openai', pool: 'gpu', location: 'local' });
    expect(vllm.lastHour.requests).toBe(4); // three questions and the cloud's fallback: the repeat asked no model
    expect(vllm.lastHour.p50Ms).toBeGreaterThan(0);
    expect(vllm.lastHour.p95Ms).toBeGreaterThanOrEqual(vllm.lastHour.p50Ms!);
    expect(vllm.hosts).toEqual(
      [standIns[0]!, standIns[1]!].map((s) => ({ url: `${s.url}/v1`, healthy: true, outstanding: 0 })),
    );
    const gpt = byId(now).get('gpt')!;
    expect(gpt).toMatchObject({ state: 'cooling_down', cause: expect.any(String) });
    expect(gpt.lastHour.errors).toBe(1);
    expect(standIns[2]!.faults).toEqual([]);
    expect(byId(now).get('ollama-gpu')!.state).toBe('not_configured');
    expect(now.answerCache.hits - start.answerCache.hits).toBe(1);
    expect(now.answerCache.hitRate).toBeCloseTo(now.answerCache.hits / (now.answerCache.hits + now.answerCache.misses));
    expect(now.budgets.limits).toEqual([{ kind: 'requests', limit: 5, windowSeconds: 3600 }]);
    expect(now.budgets.use).toEqual([
      expect.objectContaining({ key: `api_key:${keys.cloudId}`, kind: 'requests', used: 1, limit: 5 }),
    ]);
  });

  it('admins only', async () => {
    expect((await api(server, 'GET', '/api/models/targets', { token: tokens.agent })).status).toBe(403);
    expect((await api(server, 'GET', '/api/models/targets', { token: tokens.compliance_officer })).status).toBe(403);
    expect((await api(server, 'GET', '/api/models/targets')).status).toBe(401);
  });
});

describe('GET /api/system', () => {
  it('version, database, cluster bus, audit head and last verify, retention, settings: never a secret', async () => {
    const verify = await bearerLogin(server, 'system-compliance_officer@bank.test', PASSWORD);
    expect((await api(server, 'GET', '/api/audit/verify', { token: verify.accessToken })).status).toBe(200);
    const res = await api<SystemAnswer>(server, 'GET', '/api/system', { token: tokens.admin });
    expect(res.status).toBe(200);
    const pkg = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8')) as {
      version: string;
    };
    const postgres = server.deps.db.kind === 'postgres';
    expect(res.body).toMatchObject({
      version: pkg.version,
      node: server.deps.nodeId,
      database: { kind: postgres ? 'postgres' : 'pglite', serverVersion: expect.stringMatching(/^\d+/) },
      cluster: { bus: postgres ? 'postgres' : 'process' },
      audit: { lastVerify: { ok: true, checked: expect.any(Number) } },
    });
    expect(BigInt(res.body.audit.head.seq)).toBeGreaterThan(0n);
    const settings = new Map(res.body.settings.map((s) => [s.name, s.value]));
    expect(settings.get('PALISADE_POLICIES_DIR')).toBe(policiesDir);
    expect(settings.get('OPENAI_BASE_URL')).toBe('http://127.0.0.1:9/v1');
    for (const hidden of [
      'MASTER_KEY',
      'JWT_SECRET',
      'OPENAI_API_KEY',
      'DATABASE_URL',
      'REDIS_URL',
      'SSO_CLIENT_SECRET_FILE',
    ])
      expect(settings.has(hidden), hidden).toBe(false);
    for (const secret of [
      MASTER_KEY,
      JWT_SECRET,
      OPENAI_KEY,
      'pw-never-shown',
      'vllm-pool-key',
      ...(postgres ? [server.deps.config.database.kind === 'postgres' ? server.deps.config.database.url : ''] : []),
    ]) {
      expect(res.text, 'a secret in the answer').not.toContain(secret);
    }
  });

  it('admins only', async () => {
    expect((await api(server, 'GET', '/api/system', { token: tokens.compliance_officer })).status).toBe(403);
    expect((await api(server, 'GET', '/api/system', { token: tokens.agent })).status).toBe(403);
    expect((await api(server, 'GET', '/api/system')).status).toBe(401);
  });
});
