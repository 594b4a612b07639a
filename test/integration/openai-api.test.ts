// The OpenAI-compatible endpoint through the official `openai` npm client as the caller, on a real
// server and database, with loopback stand-ins for Ollama (the bank's GPU pool) and the cloud.
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';
import type { StandIn } from '../support/standins/faults.ts';
import type { OllamaStandIn } from '../support/standins/ollama.ts';
import type { TestServer } from '../support/server.ts';

const QUESTION = 'Hello, I am Alice Smith (alice.smith@example.com). How do I block my card?';
const PERSONAL = [/Alice/i, /alice\.smith/i];

let api: OpenAiApiFixture;
let server: TestServer;
let gpu: OllamaStandIn;
let cloud: StandIn;
let localKey: string;
let cloudKey: string;
let localKeyId: string;

const client = (apiKey: string) => api.client(apiKey);

const modelRequests = () => api.modelRequests();

beforeAll(async () => {
  api = await startOpenAiApiFixture();
  ({ server, gpu, cloud, localKey, cloudKey, localKeyId } = api);
});
afterAll(async () => {
  await api?.stop();
});
beforeEach(async () => {
  api.reset();
  await server.deps.db.dataSource.query(`SELECT 1`);
});

const assertNoPersonalData = () => {
  for (const s of [gpu, cloud]) for (const r of s.requests) for (const p of PERSONAL) expect(r.body).not.toMatch(p);
};

describe('POST /v1/chat/completions with the openai client', () => {
  it('streams over SSE: redacted to the GPU pool, rehydrated for the caller, audited with counts only', async () => {
    const before = (await modelRequests()).length;
    const stream = await client(localKey).chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'user', content: QUESTION }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
      expect(chunk.object).toBe('chat.completion.chunk');
    }
    expect(chunks).toBeGreaterThan(3);
    expect(text).toBe(`You said: ${QUESTION}`);
    expect(usage?.completion_tokens).toBeGreaterThan(0);
    const sent = JSON.parse(gpu.requests.find((r) => r.path === '/api/chat')!.body) as {
      messages: { content: string }[];
    };
    expect(sent.messages[0]!.content).toContain('<PERSON_1>');
    expect(sent.messages[0]!.content).toContain('<EMAIL_1>');
    expect(cloud.requests).toHaveLength(0);
    assertNoPersonalData();
    const audits = await modelRequests();
    expect(audits.length).toBe(before + 2); // the call's start, recorded before the model was asked, and its end
    const [start, last] = audits.slice(-2) as [(typeof audits)[number], (typeof audits)[number]];
    expect(start.details).toMatchObject({
      outcome: 'started',
      provider: 'ollama',
      target: 'gpu-pool',
      call: last.details.call,
    });
    expect(last).toMatchObject({ actor_type: 'api_key', actor_id: localKeyId, outcome: 'success' });
    expect(last.details).toMatchObject({
      provider: 'ollama',
      route: 'local',
      rule: 'default-local',
      outcome: 'answered',
      entities_PERSON: 1,
      entities_EMAIL: 1,
    });
    expect(last.details.policyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(audits)).not.toMatch(/Alice|alice|block my card/);
  });

  it('answers without streaming as a chat.completion object', async () => {
    const res = await client(localKey).chat.completions.create({
      model: 'palisade',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: QUESTION },
      ],
    });
    expect(res.object).toBe('chat.completion');
    expect(res.choices[0]!.message.content).toBe(`You said: ${QUESTION}`);
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
    assertNoPersonalData();
  });

  it("puts the request's id on the gateway's and the HTTP layer's log lines, and never the text", async () => {
    const requestId = `req-openai-${Date.now().toString(36)}`;
    const { response } = await client(localKey)
      .chat.completions.create(
        { model: 'palisade', messages: [{ role: 'user', content: QUESTION }] },
        { headers: { 'X-Request-Id': requestId } },
      )
      .withResponse();
    expect(response.headers.get('x-request-id')).toBe(requestId);
    const mine = server.logs().filter((l) => l.requestId === requestId);
    expect(mine.map((l) => l.message)).toEqual(expect.arrayContaining(['gateway.request', 'http.request']));
    expect(mine.find((l) => l.message === 'gateway.request')).toMatchObject({ outcome: 'answered', route: 'local' });
    expect(JSON.stringify(server.logs())).not.toMatch(/Alice|alice|block my card/);
  });

  it('logs a streamed request once its stream has ended, with the whole stream in its time', async () => {
    gpu.chunkDelayMs = 20;
    try {
      const requestId = `req-stream-${Date.now().toString(36)}`;
      const httpLine = () => server.logs().find((l) => l.requestId === requestId && l.message === 'http.request');
      const stream = await client(localKey).chat.completions.create(
        { model: 'palisade', messages: [{ role: 'user', content: QUESTION }], stream: true },
        { headers: { 'X-Request-Id': requestId } },
      );
      let first: number | undefined;
      let last = 0;
      for await (const chunk of stream) {
        if (!chunk.choices[0]?.delta?.content) continue;
        if (first === undefined) expect(httpLine()).toBeUndefined(); // not logged while the answer streams
        first ??= performance.now();
        last = performance.now();
      }
      await expect.poll(httpLine, { timeout: 2000 }).toBeDefined();
      expect(last - first!).toBeGreaterThan(100);
      expect(httpLine()).toMatchObject({ status: 200 });
      expect(Number(httpLine()!.ms)).toBeGreaterThanOrEqual(Math.floor(last - first!));
    } finally {
      gpu.chunkDelayMs = 0;
    }
  });

  // Before the fault tests: their failures put the GPU pool into cooldown (cooldown.failures).
  it('a caller who hangs up mid-stream stops generation; the request is audited as cancelled', async () => {
    gpu.chunkDelayMs = 40;
    const controller = new AbortController();
    const stream = await client(localKey).chat.completions.create(
      {
        model: 'palisade',
        messages: [{ role: 'user', content: 'tell me a long story please '.repeat(8) }],
        stream: true,
      },
      { signal: controller.signal },
    );
    let received = '';
    try {
      for await (const chunk of stream) {
        received += chunk.choices[0]?.delta?.content ?? '';
        if (received) controller.abort();
      }
    } catch {
      // the client may end the iteration quietly or throw its abort error: either way it hung up
    }
    expect(received.length).toBeLessThan(40);
    // The stand-in keeps its pace until the audit is in: at full speed it could finish the answer
    // before a busy server has noticed the hang-up.
    try {
      await expect
        .poll(async () => (await modelRequests()).at(-1)!.details.outcome, { timeout: 5000 })
        .toBe('cancelled');
    } finally {
      gpu.chunkDelayMs = 0;
    }
  });
  it('GPU pool down, key without cloud: never the cloud; the knowledge base answers', async () => {
    gpu.faults.push(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
    const res = await client(localKey).chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'user', content: 'How do I report a lost card?' }],
    });
    expect(cloud.requests).toHaveLength(0);
    expect(res.choices[0]!.message.content!.length).toBeGreaterThan(20);
    expect((await modelRequests()).at(-1)!.details).toMatchObject({
      provider: 'extractive',
      target: 'kb',
      attempts: 4,
    });
  });

  it('GPU pool down, key allowed cloud: falls back to the cloud model with redacted text only', async () => {
    gpu.faults.push(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
    const res = await client(cloudKey).chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'user', content: QUESTION }],
    });
    expect(res.choices[0]!.message.content).toBe(`You said: ${QUESTION}`);
    expect(cloud.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    expect(cloud.requests[0]!.headers.authorization).toBe('Bearer sk-standin');
    assertNoPersonalData();
    expect((await modelRequests()).at(-1)!.details).toMatchObject({
      provider: 'openai',
      target: 'gpt',
      rule: 'consented-cloud-fallback',
    });
  });

  it('an IBAN keeps even a cloud-allowed key on local targets', async () => {
    gpu.faults.push(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })));
    await client(cloudKey).chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'user', content: 'Fee on GB82 WEST 1234 5698 7654 32?' }],
    });
    expect(cloud.requests).toHaveLength(0);
    expect((await modelRequests()).at(-1)!.details).toMatchObject({
      rule: 'financial-identifiers-local',
      provider: 'extractive',
    });
  });

  it('refuses a missing or wrong key with 401, and a malformed body with 400', async () => {
    await expect(
      client('pal_wrong').chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: 'hi' }] }),
    ).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    const bad = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${localKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'x', messages: [] }),
    });
    expect(bad.status).toBe(400);
  });

  it("gives OpenAI's error fields (code, type, param) with the stable id, which the client reads", async () => {
    await expect(client('pal_wrong').models.list()).rejects.toMatchObject({
      status: 401,
      code: 'invalid_api_key',
      type: 'invalid_request_error',
    });
    const error = await client(localKey)
      .chat.completions.create({ model: 'palisade', messages: [] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'validation_failed', type: 'invalid_request_error', param: 'messages' });
  });

  it('refuses by name a parameter it cannot honour (n, tools, response_format, stop…) and sends nothing to a model', async () => {
    const before = (await modelRequests()).length;
    const ask = (extra: Record<string, unknown>) =>
      client(localKey)
        .chat.completions.create({
          model: 'palisade',
          messages: [{ role: 'user', content: 'How do I block my card?' }],
          ...extra,
        } as never)
        .catch((e: unknown) => e);
    const refused: [Record<string, unknown>, string][] = [
      [{ n: 2 }, 'n'],
      [
        { tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }] },
        'tools',
      ],
      [{ tool_choice: 'required' }, 'tool_choice'],
      [{ response_format: { type: 'json_object' } }, 'response_format'],
      [{ logprobs: true }, 'logprobs'],
      [{ stop: ['\n'] }, 'stop'],
      [{ stream: true, n: 3 }, 'n'],
    ];
    for (const [extra, param] of refused) {
      const error = await ask(extra);
      expect(error, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(error, param).toMatchObject({ status: 400, code: 'unsupported_parameter', param });
      expect((error as Error).message).toContain(`"${param}" is not supported`);
    }
    expect(gpu.requests).toHaveLength(0);
    expect(cloud.requests).toHaveLength(0);
    expect(await modelRequests()).toHaveLength(before);
    // Their no-op values, and sampling hints, are accepted.
    const ok = await ask({
      n: 1,
      tools: [],
      response_format: { type: 'text' },
      logprobs: false,
      stop: [],
      top_p: 0.9,
      seed: 7,
      user: 'tool-42',
    });
    expect(ok).toMatchObject({ object: 'chat.completion', choices: [{ index: 0 }] });
  });
});

describe('GET /v1/models', () => {
  it('lists the policy-routed model and the configured targets', async () => {
    const ids = [];
    for await (const m of client(localKey).models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['palisade', 'gpu-pool', 'gpt', 'kb']));
    expect(ids).not.toContain('on-prem-llama'); // LLAMA_MODEL_PATH is not set
  });
});
