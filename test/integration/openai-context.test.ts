// Conversations longer than a model's window through the OpenAI-compatible endpoint, with the
// official `openai` client as the caller: what the GPU pool's stand-in is sent (the newest turns
// that fit, and the window as num_ctx), and the 400 when not even the last message fits. Its own
// server: other API tests leave the GPU pool cooling down.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';
import type { OllamaStandIn } from '../support/standins/ollama.ts';

let api: OpenAiApiFixture;
const client = () => api.client(api.localKey);
const modelRequests = () => api.modelRequests();

beforeAll(async () => {
  api = await startOpenAiApiFixture();
});
afterAll(async () => {
  await api?.stop();
});
beforeEach(() => api.reset());

describe('conversations longer than a model’s window', () => {
  // A conversation of 60 turns of ~600 characters: about 12,000 tokens by the gateway's estimate,
  // over the shipped GPU pool's window of 8,192.
  const turns = Array.from({ length: 60 }, (_, i) => ({
    role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
    content: `Turn ${i}. ${'I would like to understand the monthly account fee and the card replacement charge. '.repeat(7)}`,
  }));
  const question = { role: 'user' as const, content: 'So what is the fee for Alice Smith?' };
  const sentTo = (s: OllamaStandIn) =>
    s.requests
      .filter((r) => r.path === '/api/chat')
      .map(
        (r) => JSON.parse(r.body) as { messages: { role: string; content: string }[]; options?: { num_ctx?: number } },
      );

  it('sends the GPU pool the newest turns that fit its window, tells it the window, and audits what was left out', async () => {
    const r = await client().chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'system', content: 'You are the bank assistant.' }, ...turns, question],
    });
    expect(r.choices[0]!.message.content).toBe('You said: So what is the fee for Alice Smith?');
    const [sent] = sentTo(api.gpu);
    expect(sent!.options?.num_ctx).toBe(8192);
    expect(sent!.messages[0]).toEqual({ role: 'system', content: 'You are the bank assistant.' });
    expect(sent!.messages.at(-1)).toEqual({ role: 'user', content: 'So what is the fee for <PERSON_1>?' });
    const kept = sent!.messages.slice(1, -1);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(60);
    expect(kept).toEqual(turns.slice(60 - kept.length)); // the newest, whole and in order
    expect(JSON.stringify(sent)).not.toMatch(/Alice/);
    const audit = (await modelRequests()).at(-1)!;
    expect(audit.details).toMatchObject({
      target: 'gpu-pool',
      outcome: 'answered',
      contextTokens: 8192,
      turnsDropped: 60 - kept.length,
      turnsSummarised: 0,
      instructionsCut: false,
    });
  });

  it('a message longer than every window the policy allows: 400 context_length_exceeded, nothing sent to any model', async () => {
    const long = 'Please explain every fee on my account in detail. '.repeat(1_000); // ~50,000 characters
    // Naming the GPU pool narrows the route to it alone (its window is 8,192 tokens).
    const error = await client()
      .chat.completions.create({ model: 'gpu-pool', messages: [{ role: 'user', content: long }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('context_length_exceeded');
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
    const streamed = await client()
      .chat.completions.create({ model: 'gpu-pool', messages: [{ role: 'user', content: long }], stream: true })
      .catch((e: unknown) => e);
    expect((streamed as { status?: number }).status).toBe(400);
    expect(api.gpu.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0);
    expect(api.cloud.requests).toHaveLength(0);
    const audit = (await modelRequests()).at(-1)!;
    expect(audit.details).toMatchObject({ outcome: 'human', failure: 'context_length_exceeded', attempts: 0 });
    // Letting the policy choose, the knowledge base (no window: it reads no history) answers instead.
    const viaPolicy = await client().chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'user', content: long }],
    });
    expect(viaPolicy.choices[0]!.message.content).toBeTruthy();
    expect(api.gpu.requests.filter((r) => r.path === '/api/chat')).toHaveLength(0);
    expect((await modelRequests()).at(-1)!.details).toMatchObject({
      target: 'kb',
      outcome: 'answered',
      contextTokens: null,
    });
  });

  it('GET /v1/models gives each target’s window as context_window (none for the knowledge base)', async () => {
    const models = new Map<string, Record<string, unknown>>();
    for await (const m of client().models.list()) models.set(m.id, m as unknown as Record<string, unknown>);
    expect(models.get('gpu-pool')).toMatchObject({ context_window: 8192 });
    expect(models.get('gpt')).toMatchObject({ context_window: 100000 });
    expect(models.get('kb')).not.toHaveProperty('context_window');
    expect(models.get('palisade')).not.toHaveProperty('context_window');
  });
});
