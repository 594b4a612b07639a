// The appliance with the shipped routing policy, loopback stand-ins for the bank's GPU pool
// (Ollama) and the cloud (OpenAI), and two API keys: one without cloud, one allowed it. For tests
// of the OpenAI-compatible API with the official `openai` client as the caller.
import OpenAI from 'openai';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { startTestServer, type TestServer } from './server.ts';
import type { StandIn } from './standins/faults.ts';
import { startOllamaStandIn, type OllamaStandIn } from './standins/ollama.ts';
import { startOpenAIStandIn } from './standins/openai.ts';

export interface OpenAiApiFixture {
  server: TestServer;
  gpu: OllamaStandIn;
  cloud: StandIn;
  localKey: string;
  localKeyId: string;
  cloudKey: string;
  client(apiKey: string): OpenAI;
  /** the `model.request` audit rows so far, oldest first */
  modelRequests(): Promise<
    { actor_type: string; actor_id: string; outcome: string; details: Record<string, unknown> }[]
  >;
  /** forgets what the stand-ins received and any faults still queued */
  reset(): void;
  stop(): Promise<void>;
}

/** `env`: more settings for the appliance */
export async function startOpenAiApiFixture(env: Record<string, string> = {}): Promise<OpenAiApiFixture> {
  const [gpu, cloud] = await Promise.all([startOllamaStandIn(), startOpenAIStandIn()]);
  const server = await startTestServer({
    OLLAMA_HOST: gpu.url,
    OPENAI_API_KEY: 'sk-standin',
    OPENAI_BASE_URL: `${cloud.url}/v1`,
    ...env,
  });
  const make = (name: string, allowCloud: boolean) =>
    server.deps.db.dataSource.transaction((tx) =>
      createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name, allowCloud } }),
    );
  const local = await make('internal-tool', false);
  const cloudKey = (await make('cloud-tool', true)).key;
  return {
    server,
    gpu,
    cloud,
    localKey: local.key,
    localKeyId: local.apiKey.id,
    cloudKey,
    client: (apiKey) => new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 }),
    // model.request records are queued (server/models/auditBatch.ts): read once what is queued is written
    modelRequests: async () =>
      (await server.models.auditSettled(5000),
      await server.deps.db.dataSource.query(
        `SELECT actor_type, actor_id, outcome, details FROM audit_events WHERE action = 'model.request' ORDER BY seq`,
      )) as Awaited<ReturnType<OpenAiApiFixture['modelRequests']>>,
    reset() {
      for (const s of [gpu, cloud]) {
        s.requests.length = 0;
        s.faults.length = 0;
      }
    },
    async stop() {
      await server.stop();
      await Promise.all([gpu.close(), cloud.close()]);
    },
  };
}
