// A caller of the OpenAI-compatible API naming a model: a target from /v1/models answers alone
// where the policy's route allows it, and naming one never widens the route (the official
// `openai` client as the caller, loopback stand-ins for the GPU pool and the cloud). Its own server:
// the last case leaves the GPU pool cooling down.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';

const QUESTION = 'Hello, I am Alice Smith (alice.smith@example.com). How do I block my card?';

let api: OpenAiApiFixture;

beforeAll(async () => {
  api = await startOpenAiApiFixture();
});
afterAll(async () => {
  await api?.stop();
});
beforeEach(() => api.reset());

describe('a caller naming a model', () => {
  const ask = (key: string, model: string, content = 'How do I report a lost card?') =>
    api
      .client(key)
      .chat.completions.create({ model, messages: [{ role: 'user', content }] })
      .withResponse();

  it('a target from /v1/models answers alone; GET /v1/models/{id} describes one', async () => {
    await expect(api.client(api.localKey).models.retrieve('gpu-pool')).resolves.toMatchObject({
      id: 'gpu-pool',
      object: 'model',
      owned_by: 'palisade:ollama',
    });
    await expect(api.client(api.localKey).models.retrieve('palisade')).resolves.toMatchObject({ id: 'palisade' });
    await expect(api.client(api.localKey).models.retrieve('no-such-model')).rejects.toMatchObject({
      status: 404,
      code: 'model_not_found',
    });

    const kb = await ask(api.localKey, 'kb');
    expect(kb.response.headers.get('x-palisade-target')).toBe('kb');
    expect(kb.data.model).toBe('kb');
    expect(api.gpu.requests).toHaveLength(0); // the policy's first choice was not asked
    expect((await api.modelRequests()).at(-1)!.details).toMatchObject({
      target: 'kb',
      provider: 'extractive',
      outcome: 'answered',
    });

    const pool = await ask(api.localKey, 'gpu-pool');
    expect(pool.response.headers.get('x-palisade-target')).toBe('gpu-pool');
    expect(api.gpu.requests.filter((r) => r.path === '/api/chat')).toHaveLength(1);
  });

  it("a name that is no target (a tool's default) lets the policy choose", async () => {
    const res = await ask(api.localKey, 'gpt-4o-mini');
    expect(res.response.headers.get('x-palisade-target')).toBe('gpu-pool');
    expect(api.cloud.requests).toHaveLength(0);
  });

  it('a named target outside the route is refused with 422 model_not_allowed, and the cloud is never asked', async () => {
    for (const key of [api.localKey, api.cloudKey]) {
      // The key without cloud has no cloud target in its route; the cloud-allowed key's rule keeps
      // the cloud as a fallback after the local targets, which naming it does not skip.
      const error = await ask(key, 'gpt', QUESTION).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.UnprocessableEntityError);
      expect(error).toMatchObject({ code: 'model_not_allowed', param: 'model' });
      expect((await api.modelRequests()).at(-1)!.details).toMatchObject({
        outcome: 'human',
        failure: 'target_not_in_route',
        target: null,
      });
    }
    expect(api.cloud.requests).toHaveLength(0);
    expect(api.gpu.requests).toHaveLength(0);
  });

  it('narrowing never widens: a named target that fails is not replaced by another one', async () => {
    api.gpu.faults.push(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
    const error = await ask(api.cloudKey, 'gpu-pool').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, code: 'human_handoff' });
    expect(api.cloud.requests).toHaveLength(0);
    expect((await api.modelRequests()).at(-1)!.details).toMatchObject({
      target: 'gpu-pool',
      outcome: 'human',
      failure: 'all_targets_failed',
    });
  });
});
