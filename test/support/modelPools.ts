// The appliance with two OpenAI-compatible pools in its routing policy: a vLLM pool of two loopback
// stand-ins (the bank's GPU hosts) and a cloud pool of one, each with its own key file, and two
// API keys (one allowed the cloud). For the pool and egress proxy tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { POLICIES_DIR } from '../../server/policies.ts';
import { startTestServer, type TestServer } from './server.ts';
import type { StandIn } from './standins/faults.ts';
import { startOpenAIStandIn } from './standins/openai.ts';

export const VLLM_KEY = 'vllm-pool-key-1';
export const CLOUD_KEY = 'sk-cloud-pool-key-2';

export interface ModelPoolsFixture {
  server: TestServer;
  vllmA: StandIn;
  vllmB: StandIn;
  cloud: StandIn;
  policiesDir: string;
  localKey: string;
  cloudKey: string;
  client(apiKey: string): OpenAI;
  /** the records of the calls' ends (the records of their starts left out), oldest first */
  modelRequests(): Promise<{ outcome: string; details: Record<string, unknown> }[]>;
  reset(): void;
  stop(): Promise<void>;
}

export function poolsPolicy(o: { vllm: string[]; cloud: string; keyDir: string }): string {
  return `version: 1
pools:
  gpu: { locality: local, baseURLs: [${o.vllm.map((u) => `${u}/v1`).join(', ')}], apiKeyFile: ${o.keyDir}/vllm.key, healthSeconds: 0 }
  openai: { locality: cloud, baseURLs: [${o.cloud}/v1], apiKeyFile: ${o.keyDir}/openai.key }
targets:
  vllm: { provider: openai, pool: gpu, model: llama-3.1-8b, location: local }
  gpt: { provider: openai, pool: openai, model: gpt-4o-mini, location: cloud }
  kb: { provider: extractive, model: kb, location: local }
retries: { rateLimit: 0, timeout: 0, serverError: 1, backoffMs: 1, maxBackoffMs: 5, maxRetryAfterMs: 1000 }
cooldown: { failures: 100, seconds: 1 }
rules:
  - { id: redaction-failed, when: { redaction: failed }, action: human }
  - { id: personal-local, when: { hasEntities: true }, action: local, chain: [vllm, kb] }
  - { id: consented-cloud, when: { cloudAllowed: true }, action: cloud, chain: [gpt, vllm] }
  - { id: default-local, action: local, chain: [vllm, kb] }
`;
}

/** A copy of the shipped policies with `routing` as routing.yaml, and the pools' key files (0600). */
export function writePolicies(routing: (keyDir: string) => string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-pools-'));
  for (const f of fs.readdirSync(POLICIES_DIR)) fs.copyFileSync(path.join(POLICIES_DIR, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'vllm.key'), `${VLLM_KEY}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'openai.key'), `${CLOUD_KEY}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'routing.yaml'), routing(dir));
  return dir;
}

export async function startModelPools(env: Record<string, string> = {}): Promise<ModelPoolsFixture> {
  const [vllmA, vllmB, cloud] = await Promise.all([startOpenAIStandIn(), startOpenAIStandIn(), startOpenAIStandIn()]);
  const policiesDir = writePolicies((keyDir) =>
    poolsPolicy({ vllm: [vllmA.url, vllmB.url], cloud: cloud.url, keyDir }),
  );
  const server = await startTestServer({ PALISADE_POLICIES_DIR: policiesDir, ...env });
  // The analyzers' first texts can outlast their 1 s budget on a loaded machine (redaction then
  // fails closed and no model is asked): warmed here, so the tests see routing, not a cold start.
  const analyze = server.deps.analyzers?.analyzer();
  for (let i = 0; analyze && i < 30 && !(await analyze('Warm-up for Alice Smith, alice@example.com')).ok; i += 1);
  const make = (name: string, allowCloud: boolean) =>
    server.deps.db.dataSource.transaction((tx) =>
      createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name, allowCloud } }),
    );
  const localKey = (await make('internal-tool', false)).key;
  const cloudKey = (await make('cloud-tool', true)).key;
  return {
    server,
    vllmA,
    vllmB,
    cloud,
    policiesDir,
    localKey,
    cloudKey,
    client: (apiKey) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 }),
    modelRequests: async () =>
      (await server.models.auditSettled(5000),
      await server.deps.db.dataSource.query(
        `SELECT outcome, details FROM audit_events WHERE action = 'model.request' AND details->>'outcome' <> 'started' ORDER BY seq`,
      )) as Awaited<ReturnType<ModelPoolsFixture['modelRequests']>>,
    reset() {
      for (const s of [vllmA, vllmB, cloud]) {
        s.requests.length = 0;
        s.faults.length = 0;
      }
    },
    async stop() {
      await server.stop();
      await Promise.all([vllmA.close(), vllmB.close(), cloud.close()]);
      fs.rmSync(policiesDir, { recursive: true, force: true });
    },
  };
}

/** The chat calls a stand-in received (health checks and model lists left out). */
export const chatCalls = (s: StandIn) => s.requests.filter((r) => r.path.endsWith('/chat/completions'));
