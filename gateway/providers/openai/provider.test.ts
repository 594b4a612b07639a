// The openai provider's event reader (CompletionEvents), on web bodies (a fetch other than
// nodeFetch) and on node bodies through nodeFetch from a real loopback server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../model/errors.ts';
import type { ModelEvent } from '../../model/types.ts';
import { nodeFetch } from '../http/fetch.ts';
import { CompletionEvents } from './provider.ts';

const request = { model: 'm', messages: [{ role: 'user' as const, content: 'How do I report a lost card?' }] };
const delta = (content: string) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
const finish = (reason = 'stop') =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: reason }] })}\n\n`;
const usage = `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 11, completion_tokens: 3 } })}\n\n`;

/** a web body that gives these pieces one per pull, and records whether it was cancelled */
function webBody(pieces: string[], opts: { failAt?: number } = {}) {
  const state = { cancelled: false, pulled: 0 };
  const bytes = pieces.map((p) => new TextEncoder().encode(p));
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (opts.failAt === state.pulled) return controller.error(new Error('connection reset'));
        const next = bytes[state.pulled++];
        if (next) controller.enqueue(next);
        else controller.close();
      },
      cancel() {
        state.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { body, state };
}

async function collect(events: AsyncIterable<ModelEvent>) {
  const got: ModelEvent[] = [];
  try {
    for await (const e of events) got.push(e);
    return { got };
  } catch (error) {
    return { got, error };
  }
}

describe('CompletionEvents on a web body', () => {
  it('gives the deltas, then one end record with the usage the server reported', async () => {
    const { body } = webBody([delta('You '), delta('can'), `${delta(' call')}${finish()}`, usage, 'data: [DONE]\n\n']);
    const { got, error } = await collect(new CompletionEvents(async () => new Response(body), request));
    expect(error).toBeUndefined();
    expect(got).toEqual([
      { type: 'delta', text: 'You ' },
      { type: 'delta', text: 'can' },
      { type: 'delta', text: ' call' },
      { type: 'end', usage: { tokensIn: 11, tokensOut: 3 }, finishReason: 'stop' },
    ]);
  });

  it('estimates the usage when the server sent none, and reads finish_reason length', async () => {
    const { got } = await collect(
      new CompletionEvents(
        async () => new Response(webBody([delta('a b c d'), finish('length'), 'data: [DONE]\n\n']).body),
        request,
      ),
    );
    expect(got.at(-1)).toMatchObject({
      type: 'end',
      finishReason: 'length',
      usage: { tokensIn: expect.any(Number), tokensOut: expect.any(Number) },
    });
    expect((got.at(-1) as { usage: { tokensIn: number } }).usage.tokensIn).toBeGreaterThan(0);
  });

  it.each([
    ['malformed JSON', [delta('one'), delta('two'), 'data: {"choices": [\n\n'], 'bad_response'],
    ['an error event', [delta('one'), delta('two'), 'data: {"error": {"message": "overloaded"}}\n\n'], 'unavailable'],
    ['a body that ends before finish_reason', [delta('one'), delta('two')], 'unavailable'],
  ] as const)('%s: the deltas before it, then a ProviderError (%s)', async (_name, pieces, failure) => {
    const { got, error } = await collect(
      new CompletionEvents(async () => new Response(webBody([...pieces]).body), request),
    );
    expect(got).toEqual([
      { type: 'delta', text: 'one' },
      { type: 'delta', text: 'two' },
    ]);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).failure).toBe(failure);
  });

  it('a body cut mid-stream is a ProviderError after the deltas that came', async () => {
    const { got, error } = await collect(
      new CompletionEvents(
        async () => new Response(webBody([delta('one'), delta('two')], { failAt: 2 }).body),
        request,
      ),
    );
    expect(got).toHaveLength(2);
    expect(error).toBeInstanceOf(ProviderError);
  });

  it('a failed request (the client threw) is a ProviderError on the first step', async () => {
    const { got, error } = await collect(
      new CompletionEvents(() => Promise.reject(new TypeError('fetch failed')), request),
    );
    expect(got).toEqual([]);
    expect(error).toMatchObject({ failure: 'unavailable' });
  });

  it('sends nothing before the first step; leaving early cancels the body', async () => {
    let opened = 0;
    const { body, state } = webBody([delta('one'), delta('two'), delta('three'), finish()]);
    const events = new CompletionEvents(async () => (opened++, new Response(body)), request);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(opened).toBe(0);
    for await (const e of events) {
      expect(e).toEqual({ type: 'delta', text: 'one' });
      break;
    }
    expect(opened).toBe(1);
    await expect.poll(() => state.cancelled).toBe(true);
    expect(await events.next()).toEqual({ done: true, value: undefined });
  });
});

describe('CompletionEvents on a node body (nodeFetch, loopback server)', () => {
  let server: http.Server;
  let url: string;
  const closedEarly: boolean[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const n = Number(new URL(req.url!, 'http://x').searchParams.get('n'));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.on('close', () => closedEarly.push(!res.writableFinished));
      let i = 0;
      const cutAt = Number(new URL(req.url!, 'http://x').searchParams.get('cut') ?? -1);
      const tick = () => {
        if (i === cutAt) return void res.destroy();
        if (res.destroyed) return;
        if (i < n) {
          res.write(delta(`t${i++} `));
          return void setImmediate(tick);
        }
        res.end(`${finish()}${usage}data: [DONE]\n\n`);
      };
      tick();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const open = (n: number) => () => nodeFetch()(`${url}/?n=${n}`, { method: 'POST', body: '{}' });

  it('a slow reader gets every event, in order (the body pauses and resumes)', async () => {
    const events = new CompletionEvents(open(200), request);
    const texts: string[] = [];
    for await (const e of events) {
      if (e.type === 'delta') texts.push(e.text);
      if (texts.length % 20 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(texts).toEqual(Array.from({ length: 200 }, (_, i) => `t${i} `));
  });

  it('a body cut mid-stream, or aborted by the caller, ends in a ProviderError after the deltas that came', async () => {
    const cut = await collect(
      new CompletionEvents(() => nodeFetch()(`${url}/?n=10&cut=4`, { method: 'POST', body: '{}' }), request),
    );
    expect(cut.got.map((e) => e.type === 'delta' && e.text)).toEqual(['t0 ', 't1 ', 't2 ', 't3 ']);
    expect(cut.error).toBeInstanceOf(ProviderError);
    const controller = new AbortController();
    const events = new CompletionEvents(
      () => nodeFetch()(`${url}/?n=100000`, { method: 'POST', body: '{}', signal: controller.signal }),
      request,
    );
    expect(await events.next()).toMatchObject({ done: false, value: { type: 'delta', text: 't0 ' } });
    controller.abort();
    let step: IteratorResult<ModelEvent>;
    do step = await events.next().catch((error: unknown) => ({ done: true, value: error }) as never);
    while (!step.done);
    expect(step.value).toBeInstanceOf(ProviderError);
  });

  it('leaving early cuts the connection', async () => {
    closedEarly.length = 0;
    const events = new CompletionEvents(open(100_000), request);
    let n = 0;
    for await (const e of events) if (e.type === 'delta' && ++n === 3) break;
    await expect.poll(() => closedEarly).toEqual([true]);
  });
});
