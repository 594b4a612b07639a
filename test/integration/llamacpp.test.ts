// Real llama.cpp (node-llama-cpp, in-process) on a tiny GGUF the suite writes itself: streaming,
// cancellation, and queueing beyond the parallel-sequence limit, through the llamacpp provider.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../gateway/providers/index.ts';
import type { LlamaCppClient } from '../../gateway/providers/llamacpp/provider.ts';
import type { ModelEvent, ModelRequest } from '../../gateway/model/types.ts';
import { buildTinyLlama, writeTinyLlama } from '../fixtures/gguf/tiny-llama.ts';
import { readFileSync } from 'node:fs';
import { createGateway, type ChatEvent, type ModelRequestAudit } from '../../gateway/model/gateway.ts';
import { MESSAGE_OVERHEAD_TOKENS } from '../../gateway/model/context.ts';
import { estimateTokens, type ModelClient } from '../../gateway/model/types.ts';
import { createDefaultRedactionEngine } from '../../gateway/redaction/default-engine.ts';
import { loadRedactionPolicyFromYamlText } from '../../gateway/redaction/policy.ts';
import { InMemoryVaultStore } from '../../gateway/redaction/vault-store.ts';
import { parseRoutingPolicy } from '../../gateway/routing/policy.ts';

let modelPath: string;
let client: LlamaCppClient;
const request = (maxTokens: number): ModelRequest => ({
  model: 'default',
  messages: [{ role: 'user', content: 'hello bank card' }],
  maxTokens,
  temperature: 0,
});

async function run(maxTokens: number, signal = new AbortController().signal) {
  const events: ModelEvent[] = [];
  for await (const e of client.stream(request(maxTokens), signal)) events.push(e);
  return events;
}

beforeAll(async () => {
  modelPath = writeTinyLlama();
  client = providers.llamacpp.create({ modelPath, parallel: 1, threads: 1, contextSize: 256, maxQueue: 8 });
  await client.ready();
});
afterAll(async () => {
  await client?.close?.();
  if (modelPath) fs.rmSync(modelPath, { force: true });
});

describe('the GGUF the suite generates', () => {
  it('is GGUF v3 and deterministic for a seed', () => {
    const a = buildTinyLlama();
    expect(a.subarray(0, 4).toString('ascii')).toBe('GGUF');
    expect(a.readUInt32LE(4)).toBe(3);
    expect(buildTinyLlama().equals(a)).toBe(true);
    expect(buildTinyLlama({ seed: 7 }).equals(a)).toBe(false);
  });
});

describe('llamacpp provider (real node-llama-cpp)', () => {
  it('streams text in several deltas and ends with usage', async () => {
    const events = await run(16);
    const deltas = events.filter((e) => e.type === 'delta');
    const end = events.at(-1);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.map((d) => (d.type === 'delta' ? d.text : '')).join('').length).toBeGreaterThan(3);
    expect(end).toMatchObject({ type: 'end', finishReason: 'length' });
    expect(end?.type === 'end' && end.usage.tokensOut).toBe(16);
    expect(end?.type === 'end' && end.usage.tokensIn).toBeGreaterThan(0);
  });

  it('greedy decoding is repeatable: the sequence is cleared between requests', async () => {
    const text = (events: ModelEvent[]) => events.map((e) => (e.type === 'delta' ? e.text : '')).join('');
    expect(text(await run(12))).toBe(text(await run(12)));
  });

  it('stops generating when the caller aborts, and frees the sequence', async () => {
    const controller = new AbortController();
    let deltas = 0;
    await expect(
      (async () => {
        for await (const e of client.stream(request(2000), controller.signal)) {
          if (e.type === 'delta' && ++deltas === 2) controller.abort();
        }
      })(),
    ).rejects.toThrow();
    expect(deltas).toBeLessThan(50);
    const slots = await client.slots();
    await expect.poll(() => slots.busy()).toBe(0);
    expect((await run(4)).at(-1)).toMatchObject({ type: 'end' });
  });

  it('queues requests beyond the parallel limit and serves them all', async () => {
    const slots = await client.slots();
    let maxWaiting = 0;
    const watch = setInterval(() => (maxWaiting = Math.max(maxWaiting, slots.waiting())), 1);
    const results = await Promise.all([run(24), run(24), run(24)]);
    clearInterval(watch);
    expect(maxWaiting).toBe(2); // parallel: 1, so two waited
    for (const events of results) expect(events.at(-1)).toMatchObject({ type: 'end', usage: { tokensOut: 24 } });
    expect(slots.busy()).toBe(0);
  });

  it('a request aborted while queued leaves the queue without running', async () => {
    const slots = await client.slots();
    const first = run(24);
    const controller = new AbortController();
    const queued = run(24, controller.signal);
    await expect.poll(() => slots.waiting(), { interval: 1 }).toBe(1);
    controller.abort();
    await expect(queued).rejects.toThrow(/aborted while queued/);
    expect(slots.waiting()).toBe(0);
    await first;
  });
});

describe('the gateway fits a conversation to the model’s own window, counted with its tokenizer', () => {
  it('the prompt llama.cpp gets fits its 256-token context with the answer’s room, though the estimate would have let more in', async () => {
    const window = client.contextWindow!()!;
    expect(window.tokens).toBe(256);
    // The suite's tiny vocabulary has no Chinese pieces (each character is three byte tokens) and
    // few English words (most go letter by letter): it counts far more than the estimate, which is
    // made for real vocabularies.
    expect(window.count!('about the bank card fee: 我想挂失我的银行卡')).toBeGreaterThan(
      1.5 * estimateTokens('about the bank card fee: 我想挂失我的银行卡'),
    );

    const sent: ModelRequest[] = [];
    const recording: ModelClient = {
      ...client,
      stream: (request, signal) => (sent.push(request), client.stream(request, signal)),
    };
    const audits: ModelRequestAudit[] = [];
    const gateway = createGateway({
      clients: { llamacpp: recording },
      // no contextTokens in the policy: the client's own window applies
      policy: () =>
        parseRoutingPolicy(
          'version: 1\ntargets:\n  llm: { provider: llamacpp, model: default, location: local }\nrules:\n  - { id: all, action: local, chain: [llm] }\n',
        ),
      redaction: createDefaultRedactionEngine({
        policy: loadRedactionPolicyFromYamlText(
          readFileSync(new URL('../../policies/redaction.yaml', import.meta.url), 'utf8'),
        ),
        hmacKey: new Uint8Array(32).fill(3),
      }),
      vaults: new InMemoryVaultStore(),
      audit: { modelRequest: async (e) => void audits.push(structuredClone(e)) },
    });
    const messages = Array.from({ length: 12 }, (_, i) => ({
      role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant',
      content: `第${i}轮 about the bank card fee: 我想挂失我的银行卡，补办需要多少钱？`,
    }));
    const events: ChatEvent[] = [];
    for await (const e of gateway.chat({ messages, cloudAllowed: false, maxTokens: 8, temperature: 0 })) events.push(e);
    expect(events.at(-1)).toMatchObject({ type: 'end', outcome: 'answered' });

    const prompt = sent[0]!.messages;
    expect(prompt.at(-1)).toEqual(messages.at(-1));
    expect(prompt.length).toBeLessThan(messages.length);
    const exact = prompt.reduce((n, m) => n + window.count!(m.content) + MESSAGE_OVERHEAD_TOKENS, 0);
    expect(exact).toBeLessThanOrEqual(256 - 8); // max_tokens 8 is the answer's room
    expect(audits[0]!.context).toEqual({
      contextTokens: 256,
      promptTokens: exact,
      turnsDropped: messages.length - prompt.length,
      turnsSummarised: 0,
      instructionsCut: false,
    });
    // by the estimate, more turns would have been sent than the window holds
    const byEstimate = messages
      .slice()
      .reverse()
      .reduce(
        (acc, m) =>
          acc.used + estimateTokens(m.content) + MESSAGE_OVERHEAD_TOKENS <= 248
            ? {
                used: acc.used + estimateTokens(m.content) + MESSAGE_OVERHEAD_TOKENS,
                n: acc.n + 1,
                exact: acc.exact + window.count!(m.content) + MESSAGE_OVERHEAD_TOKENS,
              }
            : acc,
        { used: 0, n: 0, exact: 0 },
      );
    expect(byEstimate.n).toBeGreaterThan(prompt.length);
    expect(byEstimate.exact).toBeGreaterThan(256);
  });
});

/** The suite's GGUF with its header's tensor and metadata counts replaced. */
function withCounts(tensors: bigint | null, entries: bigint | null): Buffer {
  const file = Buffer.from(buildTinyLlama());
  if (tensors !== null) file.writeBigUInt64LE(tensors, 8);
  if (entries !== null) file.writeBigUInt64LE(entries, 16);
  return file;
}

describe('a model file llama.cpp cannot read', () => {
  // node-llama-cpp never settles on some of these (a GGUF header with another version): the
  // provider checks the header first, so the target fails at once instead of at its timeout.
  it.each([
    ['missing', 'unreadable', null],
    ['not GGUF', 'not_gguf', 'PK\u0003\u0004 a zip file'],
    ['too short', 'not_gguf', 'GG'],
    ['GGUF version 1', 'unsupported_gguf_version', 'GGUF\u0001\u0000\u0000\u0000rest'],
    ['ends inside its header', 'corrupt_gguf', 'GGUF\u0003\u0000\u0000\u0000\u0001\u0000'],
    // node-llama-cpp's own reader looped past the end of this one, taking memory without bound
    ['a tensor count of 2^32 - 1', 'corrupt_gguf', withCounts(0xffffffffn, null)],
    ['a metadata count of 2^40', 'corrupt_gguf', withCounts(null, 2n ** 40n)],
  ])('%s: ModelFileError %s, and the stream fails as unavailable', async (_name, code, content) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-gguf-'));
    const file = path.join(dir, 'model.gguf');
    if (content !== null) fs.writeFileSync(file, content, typeof content === 'string' ? 'latin1' : undefined);
    try {
      const bad = providers.llamacpp.create({ modelPath: file, threads: 1 });
      await expect(bad.ready()).rejects.toMatchObject({ name: 'ModelFileError', code });
      await expect(
        (async () => {
          for await (const _e of bad.stream(request(4), new AbortController().signal)) void _e;
        })(),
      ).rejects.toMatchObject({ failure: 'unavailable' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a load that does not finish', () => {
  // A file whose header passes but whose content holds node-llama-cpp's load: the target is given up
  // after LLAMA_LOAD_TIMEOUT_SECONDS. Shown here with a timeout shorter than the suite's model takes.
  it('is given up at its timeout (load_timeout), and the stream fails as unavailable', async () => {
    const slow = providers.llamacpp.create({ modelPath, threads: 1, contextSize: 256, loadTimeoutMs: 1 });
    try {
      await expect(slow.ready()).rejects.toMatchObject({ name: 'ModelFileError', code: 'load_timeout' });
      await expect(
        (async () => {
          for await (const _e of slow.stream(request(4), new AbortController().signal)) void _e;
        })(),
      ).rejects.toMatchObject({ failure: 'unavailable' });
      expect(slow.contextWindow!()?.count).toBeUndefined(); // no tokenizer from a load given up
    } finally {
      await slow.close?.();
    }
  });

  it('is not waited for at close', async () => {
    const loading = providers.llamacpp.create({ modelPath, threads: 1, contextSize: 256 });
    const ready = loading.ready();
    ready.catch(() => undefined);
    await loading.close?.();
    await expect(ready).rejects.toMatchObject({ failure: 'unavailable' });
  });
});
