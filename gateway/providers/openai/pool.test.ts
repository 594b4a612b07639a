// A named pool's client against loopback stand-ins: it stands for its one locality, spreads
// requests over its base URLs, gives each host back however the request ends, and leaves a host
// that does not answer out of the next choice.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOpenAIStandIn } from '../../../test/support/standins/openai.ts';
import type { StandIn } from '../../../test/support/standins/faults.ts';
import { ProviderError } from '../../model/errors.ts';
import type { ModelEvent } from '../types.ts';
import { openaiPool } from './pool.ts';

const request = { model: 'llama', messages: [{ role: 'user' as const, content: 'hello there' }] };
const chats = (s: StandIn) => s.requests.filter((r) => r.path.endsWith('/chat/completions'));

let a: StandIn;
let b: StandIn;
beforeAll(async () => {
  [a, b] = await Promise.all([startOpenAIStandIn(), startOpenAIStandIn()]);
});
afterAll(async () => {
  await Promise.all([a.close(), b.close()]);
});
beforeEach(() => {
  for (const s of [a, b]) {
    s.requests.length = 0;
    s.faults.length = 0;
    s.chunkDelayMs = 0;
  }
});

async function collect(events: AsyncIterable<ModelEvent>) {
  const out: ModelEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe('openaiPool', () => {
  it('stands for its locality alone and sends its key to its own base URLs', async () => {
    const client = openaiPool.create({
      locality: 'local',
      baseURLs: [`${a.url}/v1`],
      apiKey: 'k-local',
      healthIntervalMs: 0,
    });
    expect(client.locations).toEqual(['local']);
    const events = await collect(client.stream(request, new AbortController().signal));
    expect(events.at(-1)).toMatchObject({ type: 'end', finishReason: 'stop' });
    expect(chats(a)[0]!.headers.authorization).toBe('Bearer k-local');
    expect(chats(b)).toEqual([]);
  });

  it('spreads requests over its base URLs and gives each host back after an answer, an HTTP error and a stop', async () => {
    const client = openaiPool.create({
      locality: 'local',
      baseURLs: [`${a.url}/v1`, `${b.url}/v1`],
      healthIntervalMs: 0,
    });
    await collect(client.stream(request, new AbortController().signal));
    await collect(client.stream(request, new AbortController().signal));
    expect([chats(a).length, chats(b).length]).toEqual([1, 1]);
    a.faults.push({ kind: 'status', status: 500 });
    b.faults.push({ kind: 'status', status: 500 });
    const failure = await collect(client.stream(request, new AbortController().signal)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect((failure as ProviderError).failure).toBe('server_error');
    // an HTTP error came from a live host: both stay in
    expect(client.pool.healthy()).toHaveLength(2);
    a.faults.length = b.faults.length = 0; // the other host's fault was not used
    a.chunkDelayMs = b.chunkDelayMs = 50;
    const controller = new AbortController();
    const iterator = client.stream(request, controller.signal)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    expect(client.pool.outstanding(`${a.url}/v1`) + client.pool.outstanding(`${b.url}/v1`)).toBe(0);
  });

  it('leaves out a base URL that does not answer, and the next request goes to the other', async () => {
    const dead = await startOpenAIStandIn();
    await dead.close();
    const client = openaiPool.create({
      locality: 'local',
      baseURLs: [`${dead.url}/v1`, `${b.url}/v1`],
      healthIntervalMs: 0,
    });
    const outcomes: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      outcomes.push(
        await collect(client.stream(request, new AbortController().signal)).then(
          () => 'answered',
          (e: ProviderError) => e.reason,
        ),
      );
    }
    expect(outcomes.filter((o) => o === 'connection_refused')).toHaveLength(1);
    expect(chats(b)).toHaveLength(2);
    expect(client.pool.healthy()).toEqual([`${b.url}/v1`]);
  });
});
