// Per-API-key limits on /v1 (API_KEY_REQUESTS_PER_MINUTE, API_KEY_TOKENS_PER_MINUTE), through the
// official `openai` client: over a limit is a 429 in OpenAI's error shape with Retry-After, which
// the client reads as a RateLimitError; another key is not affected.
import { RateLimitError } from 'openai';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type OpenAiApiFixture, startOpenAiApiFixture } from '../support/openaiApi.ts';

let api: OpenAiApiFixture;

beforeAll(async () => {
  api = await startOpenAiApiFixture({ API_KEY_REQUESTS_PER_MINUTE: '3', API_KEY_TOKENS_PER_MINUTE: '10' });
});
afterAll(async () => {
  await api?.stop();
});

async function refusal(call: Promise<unknown>): Promise<RateLimitError> {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RateLimitError);
  return error as RateLimitError;
}

it('refuses a key its fourth request in a minute with 429 rate_limit_exceeded and Retry-After; another key still passes', async () => {
  const client = api.client(api.localKey);
  for (let i = 0; i < 3; i++) expect((await client.models.list()).data.length).toBeGreaterThan(0);
  const error = await refusal(client.models.list());
  expect(error.status).toBe(429);
  expect(error.code).toBe('rate_limit_exceeded');
  expect(error.type).toBe('rate_limit_error');
  expect(error.message).toContain('3 requests per minute');
  const retry = Number(error.headers?.get('retry-after'));
  expect(retry).toBeGreaterThan(0);
  expect(retry).toBeLessThanOrEqual(60);
  expect((await api.client(api.cloudKey).models.list()).data.length).toBeGreaterThan(0);
});

it('counts the tokens of each answer and refuses the key once its minute is spent', async () => {
  const client = api.client(api.cloudKey);
  const answer = await client.chat.completions.create({
    model: 'palisade',
    messages: [{ role: 'user', content: 'How do I block my card, please? I lost it this morning.' }],
  });
  expect(answer.usage!.total_tokens).toBeGreaterThan(10);
  const error = await refusal(
    client.chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: 'And a new one?' }] }),
  );
  expect(error.code).toBe('rate_limit_exceeded');
  expect(error.message).toContain('10 tokens per minute');
});
