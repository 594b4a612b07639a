// The gateway's model.request records are queued (server/models/auditBatch.ts): a stream's end does
// not wait for its record. What that must not cost: a record lost while the database refuses audit
// writes, a model asked while its call could not be recorded, or a compliance officer's search that
// misses a call whose answer has already ended. The database's refusal here is a trigger raising
// SQLSTATE 57P03 (cannot connect now) on model.request inserts, as a restarting server would; its
// slowness, a trigger that sleeps. Runs on PGlite and on the PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';
import { MODEL_AUDIT_REFUSED, modelAuditSlow, withModelAuditTrigger } from '../support/audit.ts';
import { api, bearerLogin, seedStaff } from '../support/server.ts';

let fx: OpenAiApiFixture;
const QUESTION = 'How do I report a lost card?';

beforeAll(async () => {
  fx = await startOpenAiApiFixture();
});
afterAll(async () => {
  await fx?.stop();
});

const ask = () =>
  fx
    .client(fx.localKey)
    .chat.completions.create({ model: 'palisade', messages: [{ role: 'user', content: QUESTION }], stream: true });
async function answer(): Promise<string> {
  let text = '';
  for await (const chunk of await ask()) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('model.request records while the database refuses them', () => {
  it('are kept and written when it is back; meanwhile no model is asked (503 audit_unavailable)', async () => {
    fx.reset();
    const before = (await fx.modelRequests()).length;
    await withModelAuditTrigger(fx.server, MODEL_AUDIT_REFUSED, async () => {
      // Asked while the records were still being written: answered; its record cannot be written.
      expect(await answer()).not.toBe('');
      const asked = fx.gpu.requests.length;
      expect(asked).toBeGreaterThan(0);
      // As soon as the write has failed, the gateway refuses: no model sees the next request.
      await expect
        .poll(
          async () =>
            ask().then(
              () => 'answered',
              (e: { status?: number; code?: string }) => `${e.status} ${e.code}`,
            ),
          { interval: 20, timeout: 5000 },
        )
        .toBe('503 audit_unavailable');
      const refused = await ask().catch((e: { status: number; headers: Headers }) => e);
      expect(refused).toMatchObject({ status: 503, code: 'audit_unavailable' });
      expect((refused as { headers: Headers }).headers.get('retry-after')).toBe('5');
      expect(fx.gpu.requests.length).toBe(asked);
      expect(fx.server.logs().some((l) => l.message === 'audit.model_request_retry')).toBe(true);
      // and says so to a load balancer
      expect(await api(fx.server, 'GET', '/readyz')).toMatchObject({
        status: 503,
        body: { status: 'audit_unavailable' },
      });
    });
    // Back: the queued records are written (retried with backoff) and requests are answered again.
    await expect
      .poll(
        () =>
          ask().then(
            () => true,
            () => false,
          ),
        { interval: 100, timeout: 15_000 },
      )
      .toBe(true);
    expect(await api(fx.server, 'GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    const all = (await fx.modelRequests()).slice(before);
    expect(all[0]!.details).toMatchObject({ outcome: 'started', target: 'gpu-pool' }); // on the record before the model was asked
    const records = all.filter((r) => r.details.outcome !== 'started');
    expect(records[0]!.details).toMatchObject({ outcome: 'answered', target: 'gpu-pool', call: all[0]!.details.call }); // the first call: not lost
    const refusals = records.filter((r) => r.details.failure === 'audit_unavailable');
    expect(refusals.length).toBeGreaterThanOrEqual(2);
    for (const r of refusals) expect(r.details).toMatchObject({ outcome: 'human', provider: null, tokensIn: 0 });
    expect(records.at(-1)!.details).toMatchObject({ outcome: 'answered' });
    expect(fx.server.logs().some((l) => l.message === 'audit.model_request_recovered')).toBe(true);
  });
});

describe('a compliance officer reading the audit log', () => {
  it('finds the record of a call whose stream has ended, though the record is still being written', async () => {
    await seedStaff(fx.server, {
      email: 'co@bank.example',
      password: 'correct horse battery',
      role: 'compliance_officer',
    });
    const { accessToken } = await bearerLogin(fx.server, 'co@bank.example', 'correct horse battery');
    const search = () =>
      api<{ events: { requestId: string; details: Record<string, unknown> }[] }>(
        fx.server,
        'GET',
        '/api/audit/events?action=model.request&limit=500',
        { token: accessToken },
      );
    const known = new Set((await search()).body.events.map((e) => e.requestId));
    await withModelAuditTrigger(fx.server, modelAuditSlow(0.4), async () => {
      const stream = await ask().withResponse();
      for await (const _chunk of stream.data) void _chunk;
      const requestId = stream.response.headers.get('x-request-id');
      expect(requestId).toBeTruthy();
      // The stream has ended; its record takes 0.4 s more to commit. The search waits for it. (On
      // PGlite its one connection would order the search after the insert anyway; on the server the
      // search has a connection of its own, and without the wait it found nothing: measured.)
      const found = (await search()).body.events.filter((e) => !known.has(e.requestId));
      expect(found.map((e) => e.requestId)).toEqual([requestId]);
      expect(found[0]!.details).toMatchObject({ outcome: 'answered' });
    });
  });
});
