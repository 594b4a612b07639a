// The appliance with LLAMA_MODEL_PATH set (the suite's own tiny GGUF) and the shipped routing
// policy: the model is loaded at start, in the background; the in-process target answers /v1
// requests; its window is the smaller of the policy's (2,048) and LLAMA_CONTEXT_SIZE, counted with
// the model's tokenizer. A file that cannot be loaded is in the log at start, and requests go on
// down the chain to the knowledge base.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../server/models/apiKeys.ts';
import { writeTinyLlama } from '../fixtures/gguf/tiny-llama.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let modelPath: string;
beforeAll(() => {
  modelPath = writeTinyLlama();
});
afterAll(() => {
  if (modelPath) fs.rmSync(modelPath, { force: true });
});

async function withServer(env: Record<string, string>, fn: (server: TestServer, client: OpenAI) => Promise<void>) {
  const server = await startTestServer({ LLAMA_THREADS: '1', LLAMA_PARALLEL: '1', ...env });
  try {
    const { key } = await server.deps.db.dataSource.transaction((tx) =>
      createApiKey({ tx, actor: { type: 'system', id: 'test' }, input: { name: 'tool', allowCloud: false } }),
    );
    await fn(server, new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 }));
  } finally {
    await server.stop();
  }
}

const lastModelRequest = async (server: TestServer) => (
  await server.models.auditSettled(5000),
  (
    (await server.deps.db.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'model.request' ORDER BY seq DESC LIMIT 1`,
    )) as { details: Record<string, unknown> }[]
  )[0]!.details
);

describe('the in-process model in the appliance', () => {
  it('is loaded at start, answers through /v1, and gets conversations fitted to LLAMA_CONTEXT_SIZE', async () => {
    await withServer({ LLAMA_MODEL_PATH: modelPath, LLAMA_CONTEXT_SIZE: '256' }, async (server, client) => {
      await expect
        .poll(() => server.logs().some((l) => l.message === 'models.llama_loaded'), { timeout: 30_000 })
        .toBe(true);
      expect(server.logs().find((l) => l.message === 'models.llama_loaded')).toMatchObject({ contextTokens: 256 });

      const { data, response } = await client.chat.completions
        .create({
          model: 'palisade',
          messages: [{ role: 'user', content: 'hello bank card' }],
          max_tokens: 8,
          temperature: 0,
        })
        .withResponse();
      expect(response.headers.get('x-palisade-target')).toBe('on-prem-llama');
      expect(data.usage?.completion_tokens).toBe(8);
      expect(await lastModelRequest(server)).toMatchObject({
        target: 'on-prem-llama',
        outcome: 'answered',
        contextTokens: 256,
        turnsDropped: 0,
      });

      const turns = Array.from({ length: 20 }, (_, i) => ({
        role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
        content: `turn ${i}: the bank card fee and the loan`,
      }));
      const long = await client.chat.completions.create({
        model: 'palisade',
        messages: [...turns, { role: 'user', content: 'and the fee?' }],
        max_tokens: 8,
        temperature: 0,
      });
      // the provider counts the prompt it was given with the model's tokenizer: it fits the window with the answer's room
      expect(long.usage!.prompt_tokens).toBeLessThanOrEqual(256 - 8);
      const audit = await lastModelRequest(server);
      expect(audit).toMatchObject({ target: 'on-prem-llama', outcome: 'answered', contextTokens: 256 });
      expect(audit.turnsDropped).toBeGreaterThan(0);
      expect(audit.turnsDropped).toBeLessThan(20);
    });
  });

  it('a file that cannot be loaded is logged at start; requests go on to the knowledge base', async () => {
    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-gguf-')), 'not-a-model.gguf');
    fs.writeFileSync(bad, 'GGUF but not really');
    try {
      await withServer({ LLAMA_MODEL_PATH: bad }, async (server, client) => {
        await expect
          .poll(() => server.logs().some((l) => l.message === 'models.llama_failed'), { timeout: 30_000 })
          .toBe(true);
        expect(server.logs().find((l) => l.message === 'models.llama_failed')).toMatchObject({
          failure: 'unsupported_gguf_version',
          ggufVersion: 1953849888,
        });
        const { response } = await client.chat.completions
          .create({ model: 'palisade', messages: [{ role: 'user', content: 'How do I report a lost card?' }] })
          .withResponse();
        expect(response.headers.get('x-palisade-target')).toBe('kb');
        expect(JSON.stringify(server.logs())).not.toContain('lost card');
      });
    } finally {
      fs.rmSync(path.dirname(bad), { recursive: true, force: true });
    }
  });
});
