import http from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAIStandIn } from '../../../test/support/standins/openai.ts';
import type { StandIn } from '../../../test/support/standins/faults.ts';
import { ProviderError } from '../../model/errors.ts';
import { nodeBody, nodeFetch } from './fetch.ts';
import { openai } from '../openai/provider.ts';

const messages = [{ role: 'user' as const, content: 'hello there' }];

describe('nodeFetch, the openai client transport', () => {
  let standIn: StandIn;
  let other: http.Server;
  let otherUrl = '';
  beforeAll(async () => {
    standIn = await startOpenAIStandIn();
    other = http.createServer((req, res) => {
      if (req.url === '/empty') return void res.writeHead(204).end();
      if (req.url === '/cookies')
        return void res
          .writeHead(200, [
            ['set-cookie', 'a=1'],
            ['set-cookie', 'b=2'],
            ['x-one', 'yes'],
          ])
          .end('ok');
      if (req.url === '/v1/chat/completions') {
        const frames = [
          { choices: [{ index: 0, delta: { content: 'par' }, finish_reason: null }] },
          { error: { message: 'overloaded', type: 'server_error' } },
        ];
        return void res
          .writeHead(200, { 'content-type': 'text/event-stream' })
          .end(frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join(''));
      }
      if (req.url === '/hang')
        return void res.writeHead(200, { 'content-type': 'text/event-stream' }).write('data: {}\n\n');
      if (req.url === '/chunks') {
        // 40 chunks, each flushed on its own, so the reader gets them one by one
        res.writeHead(200, { 'content-type': 'text/plain' });
        let i = 0;
        const next = () => (i < 40 ? res.write(`${i++};`, () => setImmediate(next)) : res.end());
        return void next();
      }
      if (req.url === '/cut') {
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .write('part one;', () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      req.pipe(res);
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await standIn.close();
    other.closeAllConnections();
    await new Promise((resolve) => other.close(resolve));
  });

  it('streams a completion through the openai client, sending what undici would send', async () => {
    const client = openai.create({ apiKey: 'sk-test', baseURL: `${standIn.url}/v1`, locations: ['local'] });
    const events = [];
    for await (const e of client.stream({ model: 'm', messages }, new AbortController().signal)) events.push(e);
    expect(
      events
        .filter((e) => e.type === 'delta')
        .map((e) => (e.type === 'delta' ? e.text : ''))
        .join(''),
    ).toBe('You said: hello there');
    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    const sent = standIn.requests.at(-1)!;
    expect(sent.headers.authorization).toBe('Bearer sk-test');
    expect(sent.headers['content-type']).toBe('application/json');
    expect(JSON.parse(sent.body)).toMatchObject({ model: 'm', stream: true, messages });
  });

  it('echoes a body, keeps repeated headers, and gives 204 a null body', async () => {
    const f = nodeFetch();
    const echoed = await f(`${otherUrl}/echo`, {
      method: 'POST',
      body: 'päyload',
      headers: { 'content-type': 'text/plain' },
    });
    expect(await echoed.text()).toBe('päyload');
    const cookies = await f(`${otherUrl}/cookies`);
    expect(cookies.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(cookies.headers.get('x-one')).toBe('yes');
    const empty = await f(`${otherUrl}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it("a refused connection is the client's connection error; the provider calls it unavailable", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const sdk = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, fetch: nodeFetch() });
    await expect(sdk.models.list()).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    const client = openai.create({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, locations: ['local'] });
    const run = async () => {
      for await (const _ of client.stream({ model: 'm', messages }, new AbortController().signal));
    };
    await expect(run()).rejects.toMatchObject({ failure: 'unavailable' });
  });

  it('a stream dropped mid-body fails; an aborted one stops the body', async () => {
    standIn.faults.push({ kind: 'drop', afterChunks: 2 });
    const client = openai.create({ apiKey: 'k', baseURL: `${standIn.url}/v1`, locations: ['local'] });
    const texts: string[] = [];
    const run = async (signal: AbortSignal) => {
      for await (const e of client.stream({ model: 'm', messages }, signal)) if (e.type === 'delta') texts.push(e.text);
    };
    const dropped = await run(new AbortController().signal).catch((e: unknown) => e);
    expect(dropped).toBeInstanceOf(ProviderError);
    expect(texts.join('')).toBe('You said: '); // the two chunks before the cut

    const controller = new AbortController();
    const f = nodeFetch();
    const res = await f(`${otherUrl}/hang`, { signal: controller.signal });
    const reader = res.body!.getReader();
    expect((await reader.read()).done).toBe(false);
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await expect(f(`${otherUrl}/hang`, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('hands a body over as its node stream once, and never after the web body was read', async () => {
    const f = nodeFetch();
    const direct = await f(`${otherUrl}/echo`, { method: 'POST', body: 'one two three' });
    const stream = nodeBody(direct);
    expect(stream).toBeDefined();
    expect(nodeBody(direct)).toBeUndefined(); // once
    let bytes = '';
    for await (const chunk of stream!) bytes += String(chunk);
    expect(bytes).toBe('one two three');

    const viaWeb = await f(`${otherUrl}/echo`, { method: 'POST', body: 'four five' });
    expect(await viaWeb.text()).toBe('four five');
    expect(nodeBody(viaWeb)).toBeUndefined();
    expect(nodeBody(new Response('not ours'))).toBeUndefined();

    // An abort ends the node stream with the AbortError too, as it does the web body.
    const controller = new AbortController();
    const hanging = nodeBody(await f(`${otherUrl}/hang`, { signal: controller.signal }))!;
    const it = hanging[Symbol.asyncIterator]();
    expect((await it.next()).done).toBe(false);
    controller.abort();
    await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('an error object inside the stream fails the answer', async () => {
    const client = openai.create({ apiKey: 'k', baseURL: `${otherUrl}/v1`, locations: ['local'] });
    const texts: string[] = [];
    const run = async () => {
      for await (const e of client.stream({ model: 'm', messages }, new AbortController().signal))
        if (e.type === 'delta') texts.push(e.text);
    };
    await expect(run()).rejects.toMatchObject({ failure: 'unavailable' });
    expect(texts).toEqual(['par']);
  });

  it('streamed completions one after another share one keep-alive connection', async () => {
    const frames = [
      { choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ];
    const server = http.createServer((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`${frames.map((f) => `data: ${JSON.stringify(f)}\n\n`).join('')}data: [DONE]\n\n`);
        setTimeout(() => res.end(), 20); // the body's last bytes come after [DONE]
      });
    });
    let connections = 0;
    server.on('connection', () => void (connections += 1));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = openai.create({
      apiKey: 'k',
      baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
      locations: ['local'],
    });
    for (let i = 0; i < 3; i += 1) {
      const events = [];
      for await (const e of client.stream({ model: 'm', messages }, new AbortController().signal)) events.push(e.type);
      expect(events).toEqual(['delta', 'end']);
    }
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(connections).toBe(1);
  });
});
