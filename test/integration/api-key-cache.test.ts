// API keys are verified from a short-lived cache: a revocation reaches a running node within the
// cache's TTL (at once where the node itself forgets), and the database is asked about once per
// half TTL, in the background, for a key in use.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_CACHE_TTL_MS, apiKeyVerifier, createApiKey, revokeApiKey } from '../../server/models/apiKeys.ts';
import { auditCount } from '../support/audit.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
const actor = { type: 'system' as const, id: 'test' };

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

async function newKey() {
  return server.deps.db.dataSource.transaction((tx) =>
    createApiKey({ tx, actor, input: { name: 'tool', allowCloud: false } }),
  );
}
const revoke = (id: string) => server.deps.db.dataSource.transaction((tx) => revokeApiKey({ tx, actor, id }));

describe('apiKeyVerifier', () => {
  it('the served verifier remembers keys for a few seconds at most', () => {
    expect(API_KEY_CACHE_TTL_MS).toBeGreaterThan(0);
    expect(API_KEY_CACHE_TTL_MS).toBeLessThanOrEqual(5_000);
  });

  it('asks the database about once per half TTL for a busy key, ahead of need: no caller waits for it', async () => {
    const { key, apiKey } = await newKey();
    let clock = 0;
    let queries = 0;
    const dataSource = server.deps.db.dataSource;
    const counting = {
      query: (sql: string, params: unknown[]) => ((queries += 1), dataSource.query(sql, params)),
    } as unknown as typeof dataSource;
    const verifier = apiKeyVerifier(counting, { ttlMs: 1_000, now: () => clock });
    for (let i = 0; i < 5; i += 1) expect((await verifier.verify(key))?.id).toBe(apiKey.id);
    expect(queries).toBe(1);
    clock = 600; // past half the TTL: answered from memory while one query refreshes it
    const [a, b] = await Promise.all([verifier.verify(key), verifier.verify(key)]);
    expect([a?.id, b?.id]).toEqual([apiKey.id, apiKey.id]);
    expect(queries).toBe(2);
    await new Promise((r) => setTimeout(r, 50));
    clock = 1_000; // refreshed at 600: still fresh
    await verifier.verify(key);
    expect(queries).toBe(2);
  });

  it('concurrent lookups of a key not yet known share one query', async () => {
    const { key, apiKey } = await newKey();
    let queries = 0;
    const dataSource = server.deps.db.dataSource;
    const counting = {
      query: (sql: string, params: unknown[]) => ((queries += 1), dataSource.query(sql, params)),
    } as unknown as typeof dataSource;
    const verifier = apiKeyVerifier(counting);
    const found = await Promise.all(Array.from({ length: 8 }, () => verifier.verify(key)));
    expect(found.map((k) => k?.id)).toEqual(Array(8).fill(apiKey.id));
    expect(queries).toBe(1);
  });

  it('a key revoked elsewhere is refused once the TTL has passed; forget() refuses it at once', async () => {
    const { key, apiKey } = await newKey();
    let clock = 0;
    const verifier = apiKeyVerifier(server.deps.db.dataSource, { ttlMs: 1_000, now: () => clock });
    expect((await verifier.verify(key))?.id).toBe(apiKey.id);
    await revoke(apiKey.id);
    clock = 999;
    expect((await verifier.verify(key))?.id).toBe(apiKey.id); // the bound, stated: up to the TTL
    clock = 1_000;
    expect(await verifier.verify(key)).toBeUndefined();

    const other = await newKey();
    expect((await verifier.verify(other.key))?.id).toBe(other.apiKey.id);
    await revoke(other.apiKey.id);
    verifier.forget();
    expect(await verifier.verify(other.key)).toBeUndefined();
  });

  it('revoking gives back the revoked key, and nothing (no audit event) for an id that is no key', async () => {
    const { apiKey } = await newKey();
    const revoked = await revoke(apiKey.id);
    expect(revoked).toMatchObject({ id: apiKey.id, name: 'tool' });
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    const audited = () => auditCount(server, `action = 'api_key.revoked'`);
    const before = await audited();
    expect(await revoke('00000000-0000-4000-8000-000000000000')).toBeUndefined();
    expect(await audited()).toBe(before);
  });

  it('a malformed key is refused without a query', async () => {
    let queries = 0;
    const counting = {
      query: () => ((queries += 1), Promise.resolve([])),
    } as unknown as TestServer['deps']['db']['dataSource'];
    const verifier = apiKeyVerifier(counting);
    for (const key of ['', 'pal_short', `sk-${'A'.repeat(43)}`, `pal_${'A'.repeat(42)}!`])
      expect(await verifier.verify(key)).toBeUndefined();
    expect(queries).toBe(0);
    expect(await verifier.verify(`pal_${'A'.repeat(43)}`)).toBeUndefined();
    expect(queries).toBe(1);
  });

  it('through /v1: a key revoked by another process stops working within the TTL', async () => {
    const { key, apiKey } = await newKey();
    const models = (k: string) => fetch(`${server.url}/v1/models`, { headers: { Authorization: `Bearer ${k}` } });
    expect((await models(key)).status).toBe(200);
    await revoke(apiKey.id);
    const deadline = Date.now() + API_KEY_CACHE_TTL_MS + 2_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await models(key)).status;
    }
    expect(status).toBe(401);
  }, 15_000);
});
