// The bank's egress proxy (CLOUD_HTTPS_PROXY) through the real appliance, with a real CONNECT
// proxy on loopback that records each tunnel: cloud calls go through it, local pools never do, and
// a proxy that refuses is a clear failure on the record, never a direct call to the cloud.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';
import { startConnectProxy, type ConnectProxy } from '../support/connectProxy.ts';
import { chatCalls, startModelPools, type ModelPoolsFixture } from '../support/modelPools.ts';

let asked = 0;
/** a new question each time: the answer cache would answer a repeated one without a model */
const question = () => `What are the opening hours of branch ${(asked += 1)}?`;

let proxy: ConnectProxy;
let f: ModelPoolsFixture;
beforeAll(async () => {
  proxy = await startConnectProxy();
  f = await startModelPools({ CLOUD_HTTPS_PROXY: proxy.url });
});
afterAll(async () => {
  await f?.stop();
  await proxy?.close();
});
beforeEach(() => {
  f.reset();
  proxy.connects.length = 0;
  proxy.refuse = false;
});

const ask = (key: string, model = 'palisade') =>
  f.client(key).chat.completions.create({ model, messages: [{ role: 'user', content: question() }] });
const hostOf = (url: string) => new URL(url).host;

describe('cloud calls through the egress proxy', () => {
  // The refusals first: a tunnel already open would be reused (a proxy refuses new tunnels only).
  it('a proxy that refuses: the cloud is not called directly, the failure is on the record, and the local fallback answers', async () => {
    proxy.refuse = true;
    const before = (await f.modelRequests()).length;
    const answer = await ask(f.cloudKey);
    expect(answer.choices[0]?.message.content).toContain('opening hours');
    expect(f.cloud.requests).toEqual([]);
    // the policy's one retry went through the proxy again
    expect(proxy.connects).toEqual([hostOf(f.cloud.url), hostOf(f.cloud.url)]);
    const [record] = (await f.modelRequests()).slice(before);
    expect(record!.details).toMatchObject({
      target: 'vllm',
      fallbackFrom: 'gpt',
      fallbackFailure: 'unavailable',
      cause: 'proxy_refused',
    });
    const failed = f.server.logs().filter((l) => l.message === 'gateway.attempt_failed');
    expect(failed.at(-1)).toMatchObject({ target: 'gpt', cause: 'proxy_refused' });
  });

  it('a proxy that refuses a call only the cloud may answer: a 422 handoff, audited as failed, nothing sent direct', async () => {
    proxy.refuse = true;
    const before = (await f.modelRequests()).length;
    await expect(ask(f.cloudKey, 'gpt')).rejects.toMatchObject({ status: 422, code: 'human_handoff' });
    expect(f.cloud.requests).toEqual([]);
    const [record] = (await f.modelRequests()).slice(before);
    expect(record!.details).toMatchObject({
      target: 'gpt',
      failure: 'all_targets_failed',
      fallbackFrom: 'gpt',
      cause: 'proxy_refused',
    });
  });
  it("tunnels the cloud pool's call through the proxy to the cloud endpoint", async () => {
    const answer = await ask(f.cloudKey);
    expect(answer.choices[0]?.message.content).toContain('opening hours');
    expect(chatCalls(f.cloud)).toHaveLength(1);
    expect(proxy.connects).toEqual([hostOf(f.cloud.url)]);
  });

  it("never sends a local pool's call through the proxy", async () => {
    await ask(f.localKey);
    await ask(f.localKey);
    expect([...chatCalls(f.vllmA), ...chatCalls(f.vllmB)]).toHaveLength(2);
    expect(proxy.connects).toEqual([]);
  });
});

describe('the proxy settings', () => {
  const base = { PALISADE_DATA_DIR: '/tmp/palisade-proxy-config' };
  it('reads the proxy and its exceptions', () => {
    expect(
      loadConfig({
        ...base,
        CLOUD_HTTPS_PROXY: 'http://proxy.bank.internal:3128',
        CLOUD_NO_PROXY: 'llm.bank.internal, .corp.example ,',
      }).models.cloudProxy,
    ).toEqual({
      url: 'http://proxy.bank.internal:3128',
      noProxy: ['llm.bank.internal', '.corp.example'],
    });
    expect(loadConfig(base).models.cloudProxy).toBeUndefined();
  });
  it('refuses a proxy URL that is not http://', () => {
    expect(() => loadConfig({ ...base, CLOUD_HTTPS_PROXY: 'socks5://proxy:1080' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, CLOUD_HTTPS_PROXY: 'proxy.bank.internal:3128' })).toThrow(/CLOUD_HTTPS_PROXY/);
  });
});
