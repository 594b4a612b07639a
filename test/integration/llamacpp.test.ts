// Real llama.cpp (node-llama-cpp, in-process) on a tiny GGUF the suite writes itself: streaming,
// cancellation, and queueing beyond the parallel-sequence limit, through the llamacpp provider.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../../gateway/providers/index.ts';
import type { LlamaCppClient } from '../../gateway/providers/llamacpp/provider.ts';
import type { ModelEvent, ModelRequest } from '../../gateway/model/types.ts';
import { buildTinyLlama, writeTinyLlama } from '../fixtures/gguf/tiny-llama.ts';

let modelPath: string;
let client: LlamaCppClient;
const request = (maxTokens: number): ModelRequest => ({ model: 'default', messages: [{ role: 'user', content: 'hello bank card' }], maxTokens, temperature: 0 });

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
    await expect.poll(() => slots.waiting()).toBe(1);
    controller.abort();
    await expect(queued).rejects.toThrow(/aborted while queued/);
    expect(slots.waiting()).toBe(0);
    await first;
  });
});
