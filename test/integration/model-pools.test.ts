// Two OpenAI-compatible pools side by side through the real appliance: a vLLM pool of two hosts
// and a cloud endpoint, each its own key. The routing policy picks between them; the vLLM pool's
// requests spread over both hosts and fail over when one is gone; personal data never reaches the
// cloud stand-in (asserted on what it recorded).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chatCalls, CLOUD_KEY, startModelPools, VLLM_KEY, type ModelPoolsFixture } from '../support/modelPools.ts';

const PERSONAL_QUESTION = 'I am Alice Smith, alice.smith@example.com, IBAN GB82 WEST 1234 5698 7654 32 — why the fee?';
const PERSONAL = [/Alice/i, /alice\.smith/i, /GB82/, /WEST ?1234/, /5698/];
const PLAIN_QUESTION = 'What are the opening hours of the branches?';

let f: ModelPoolsFixture;
beforeAll(async () => {
  f = await startModelPools();
});
afterAll(async () => {
  await f?.stop();
});
beforeEach(() => f.reset());

const ask = (key: string, content: string, model = 'palisade') =>
  f.client(key).chat.completions.create({ model, messages: [{ role: 'user', content }] });
const bodyOf = (r: { body: string }) => JSON.parse(r.body) as { model: string; messages: { content: string }[] };

describe('two OpenAI-compatible pools', () => {
  it("lists both pools' targets as models", async () => {
    const ids = (await f.client(f.localKey).models.list()).data.map((m) => m.id);
    expect(ids).toEqual(expect.arrayContaining(['palisade', 'vllm', 'gpt', 'kb']));
  });

  it('without cloud consent: the vLLM pool answers, with its own key and model name; the cloud gets nothing', async () => {
    const answer = await ask(f.localKey, PLAIN_QUESTION);
    expect(answer.choices[0]?.message.content).toContain('opening hours');
    const calls = [...chatCalls(f.vllmA), ...chatCalls(f.vllmB)];
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${VLLM_KEY}`);
    expect(bodyOf(calls[0]!).model).toBe('llama-3.1-8b');
    expect(f.cloud.requests).toEqual([]);
    const [record] = (await f.modelRequests()).slice(-1);
    expect(record!.details).toMatchObject({
      provider: 'openai',
      target: 'vllm',
      rule: 'default-local',
      outcome: 'answered',
    });
  });

  it('with cloud consent and no personal data: the cloud pool answers, with its own key', async () => {
    await ask(f.cloudKey, PLAIN_QUESTION);
    const calls = chatCalls(f.cloud);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.headers.authorization).toBe(`Bearer ${CLOUD_KEY}`);
    expect(bodyOf(calls[0]!).model).toBe('gpt-4o-mini');
    expect([...chatCalls(f.vllmA), ...chatCalls(f.vllmB)]).toEqual([]);
    const [record] = (await f.modelRequests()).slice(-1);
    expect(record!.details).toMatchObject({ target: 'gpt', rule: 'consented-cloud', route: 'cloud' });
  });

  it('with cloud consent and personal data: the vLLM pool answers from placeholders; the cloud recorded nothing', async () => {
    const answer = await ask(f.cloudKey, PERSONAL_QUESTION);
    // the caller gets its own values back (rehydrated); the models saw placeholders only
    expect(answer.choices[0]?.message.content).toContain('Alice Smith');
    expect(f.cloud.requests).toEqual([]);
    const calls = [...chatCalls(f.vllmA), ...chatCalls(f.vllmB)];
    expect(calls).toHaveLength(1);
    for (const p of PERSONAL) expect(calls[0]!.body).not.toMatch(p);
    expect(calls[0]!.body).toMatch(/<PERSON_1>|<EMAIL_ADDRESS_1>|<IBAN_1>/);
    const [record] = (await f.modelRequests()).slice(-1);
    expect(record!.details).toMatchObject({ target: 'vllm', rule: 'personal-local' });
  });

  it("a caller without cloud consent cannot name the cloud pool's target", async () => {
    await expect(ask(f.localKey, PLAIN_QUESTION, 'gpt')).rejects.toMatchObject({
      status: 422,
      code: 'model_not_allowed',
    });
    expect(f.cloud.requests).toEqual([]);
  });

  it("spreads the vLLM pool's requests over both hosts", async () => {
    for (let i = 0; i < 4; i += 1) await ask(f.localKey, `${PLAIN_QUESTION} (${i})`);
    expect(chatCalls(f.vllmA)).toHaveLength(2);
    expect(chatCalls(f.vllmB)).toHaveLength(2);
  });

  // Last: it stops host A for good.
  it("fails over to the other host when one of the pool's hosts is gone, within the same target", async () => {
    await f.vllmA.close();
    const before = (await f.modelRequests()).length;
    const answers = [
      await ask(f.localKey, `${PLAIN_QUESTION} (a)`),
      await ask(f.localKey, `${PLAIN_QUESTION} (b)`),
      await ask(f.localKey, `${PLAIN_QUESTION} (c)`),
    ];
    for (const a of answers) expect(a.choices[0]?.message.content).toContain('opening hours');
    expect(chatCalls(f.vllmB)).toHaveLength(3);
    expect(f.cloud.requests).toEqual([]);
    const records = (await f.modelRequests()).slice(before);
    expect(records.map((r) => r.details.target)).toEqual(['vllm', 'vllm', 'vllm']);
    // one request met host A (refused connection) and was retried on B; once A is out, B alone answers
    expect(records.map((r) => r.details.attempts).sort()).toEqual([1, 1, 2]);
  });
});
