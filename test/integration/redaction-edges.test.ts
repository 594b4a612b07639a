// The core promise at its edges, end to end with recording stand-ins: identifiers in odd shapes and
// scripts (the adversarial corpus), a value of an earlier turn repeated without its cue, and
// identifiers the model makes up. Through the visitor chat (cloud allowed by consent) and through
// /v1 with the official `openai` client and a cloud-allowed key while the GPU pool fails, streaming
// and not: nothing personal in what any stand-in records, and nothing invented reaches the caller.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MessageView } from '../../protocol/widget.ts';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';
import { adversarialMessages, compact, leakedValues, sentTexts } from '../support/pii-leaks.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import type { StandIn } from '../support/standins/faults.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { startOpenAIStandIn } from '../support/standins/openai.ts';
import {
  ALL_GRANTED,
  policiesDir,
  readyVisitor,
  repliesSettled,
  sendMessage,
  visitorApi,
  type Visitor,
} from '../support/widget.ts';

const ROUTING = `version: 1
targets:
  pool: { provider: ollama, model: llama-standin, location: local }
  gpt: { provider: openai, model: gpt-standin, location: cloud }
retries: { rateLimit: 0, timeout: 0, serverError: 0, backoffMs: 1, maxBackoffMs: 5, maxRetryAfterMs: 2000 }
cooldown: { failures: 100, seconds: 1 }
timeouts: { firstTokenMs: 10000, totalMs: 30000 }
rules:
  - { id: cloud-first, when: { cloudAllowed: true }, action: cloud, chain: [gpt] }
  - { id: local-only, action: local, chain: [pool] }
`;
const MESSAGES = adversarialMessages();
const ALL_VALUES = MESSAGES.flatMap((m) => m.values);
// A Luhn-valid card, an IBAN and an e-mail address the model "invents" in its answer.
const INVENTED = [
  'Your new card is 4539 1488 0343 6467',
  ', IBAN DE44 5001 0517 5407 3249 31',
  ' and write to ',
  'kim.odell@example.net',
  '.',
];
const INVENTED_VALUES = ['4539 1488 0343 6467', 'DE44 5001 0517 5407 3249 31', 'kim.odell@example.net'];

describe('visitor chat, cloud allowed', () => {
  let server: TestServer;
  let ollama: OllamaStandIn;
  let openai: StandIn;
  let policies: ReturnType<typeof policiesDir>;
  const transcript = async (v: Visitor) =>
    (await visitorApi<{ messages: MessageView[] }>(v, 'GET', '/conversation')).body.messages;

  beforeAll(async () => {
    [ollama, openai] = await Promise.all([startOllamaStandIn(), startOpenAIStandIn()]);
    policies = policiesDir({ 'routing.yaml': ROUTING });
    server = await startTestServer(
      {
        RETENTION_INTERVAL_SECONDS: '0',
        PALISADE_POLICIES_DIR: policies.dir,
        OLLAMA_HOST: ollama.url,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: `${openai.url}/v1`,
      },
      { seedDemoKnowledge: true },
    );
  });
  afterAll(async () => {
    await server?.stop();
    await Promise.all([ollama?.close(), openai?.close()]);
    policies?.remove();
  });
  beforeEach(() => {
    for (const s of [ollama, openai]) {
      s.requests.length = 0;
      delete s.reply;
    }
  });

  it('sends no identifier of the adversarial corpus to the cloud, in any shape or script', async () => {
    const v = await readyVisitor(server, { decisions: ALL_GRANTED });
    for (const m of MESSAGES) {
      await sendMessage(v, m.text);
      await repliesSettled(server);
    }
    expect(sentTexts(openai).length + sentTexts(ollama).length).toBeGreaterThan(MESSAGES.length);
    expect(leakedValues(ALL_VALUES, openai, ollama)).toEqual([]);
  }, 120_000);

  it('redacts a name of an earlier turn when it comes back without its cue', async () => {
    const v = await readyVisitor(server, { decisions: ALL_GRANTED });
    // The recognizers find this name after "my name is" only; the vault finds it again.
    await sendMessage(v, 'Hello, my name is Tendai Mukoko and my card is blocked');
    await repliesSettled(server);
    await sendMessage(v, 'again: tendai mukoko, still blocked');
    await repliesSettled(server);
    expect(sentTexts(openai).length).toBeGreaterThan(0);
    expect(sentTexts(openai).join('\n')).not.toMatch(/tendai|mukoko/i);
  });

  it('masks identifiers the model made up before the visitor sees them', async () => {
    openai.reply = () => INVENTED;
    const v = await readyVisitor(server, { decisions: ALL_GRANTED });
    await sendMessage(v, 'How do I get a new card?');
    await repliesSettled(server);
    const answer = (await transcript(v)).find((m) => m.role === 'assistant');
    expect(answer?.text).toMatch(/^Your new card is /);
    for (const value of INVENTED_VALUES) expect(compact(answer?.text ?? '')).not.toContain(compact(value));
  });
});

describe('/v1 with a cloud-allowed key while the GPU pool fails', () => {
  let api: OpenAiApiFixture;
  beforeAll(async () => {
    api = await startOpenAiApiFixture();
  });
  afterAll(async () => {
    await api?.stop();
  });
  beforeEach(() => {
    api.reset();
    delete api.cloud.reply;
    delete api.gpu.reply;
    api.gpu.faults.push(...Array.from({ length: 400 }, () => ({ kind: 'status' as const, status: 500 })));
  });

  it.each([false, true])(
    'stream %s: no identifier of the adversarial corpus reaches any stand-in',
    async (stream) => {
      const client = api.client(api.cloudKey);
      for (const m of MESSAGES) {
        if (stream) {
          const s = await client.chat.completions.create({
            model: 'palisade',
            messages: [{ role: 'user', content: m.text }],
            stream: true,
          });
          for await (const chunk of s) void chunk;
        } else {
          await client.chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: m.text }] });
        }
      }
      expect(sentTexts(api.cloud).length).toBeGreaterThan(0);
      expect(leakedValues(ALL_VALUES, api.cloud, api.gpu)).toEqual([]);
    },
    120_000,
  );

  it('a name of turn 1 repeated in turn 3 without a cue stays out of the cloud', async () => {
    await api.client(api.cloudKey).chat.completions.create({
      model: 'palisade',
      messages: [
        { role: 'user', content: 'Hi, my name is Tendai Mukoko.' },
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: 'again: Tendai Mukoko, how do I reset my password?' },
      ],
    });
    expect(sentTexts(api.cloud).length).toBeGreaterThan(0);
    expect(sentTexts(api.cloud).join('\n')).not.toMatch(/tendai|mukoko/i);
  });

  it.each([false, true])(
    'stream %s: identifiers the model made up are masked for the caller and counted',
    async (stream) => {
      api.cloud.reply = () => INVENTED;
      const client = api.client(api.cloudKey);
      let text = '';
      if (stream) {
        const s = await client.chat.completions.create({
          model: 'palisade',
          messages: [{ role: 'user', content: 'How do I reset my password?' }],
          stream: true,
        });
        for await (const chunk of s) text += chunk.choices[0]?.delta?.content ?? '';
      } else {
        text =
          (
            await client.chat.completions.create({
              model: 'palisade',
              messages: [{ role: 'user', content: 'How do I reset my password?' }],
            })
          ).choices[0]?.message.content ?? '';
      }
      expect(text).toMatch(/^Your new card is .+ and write to .+\.$/);
      for (const value of INVENTED_VALUES) expect(compact(text)).not.toContain(compact(value));
      expect((await api.modelRequests()).at(-1)?.details).toMatchObject({ provider: 'openai', outputMasked: 3 });
    },
  );
});
