// The gateway's audit events are queued and group-committed: every caller's event is stored by the
// time its promise resolves, concurrent events share transactions, one bad event fails only itself,
// and a batch the database could not take is retried, not dropped.
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditBatcher } from '../../server/models/auditBatch.ts';
import { auditCount } from '../support/audit.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

const event = (i: number) => ({
  actor: { type: 'system' as const, id: 'batch-test' },
  action: 'model.request',
  requestId: `batch-${i}`,
  details: { i },
});

describe('auditBatcher', () => {
  it('stores each event before its promise resolves, several events per transaction', async () => {
    const batcher = auditBatcher(server.deps.db.dataSource);
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await batcher.append(event(i));
        expect(await auditCount(server, 'request_id = $1', [`batch-${i}`])).toBe(1);
      }),
    );
    expect(await auditCount(server, `actor_id = 'batch-test'`)).toBe(40);
    // One append call stamps its whole batch with one occurred_at: fewer stamps than events.
    const [row] = (await server.deps.db.dataSource.query(
      `SELECT count(DISTINCT occurred_at)::int AS n FROM audit_events WHERE actor_id = 'batch-test'`,
    )) as { n: number }[];
    expect(row!.n).toBeLessThan(40);
  });

  it('refuses a malformed event alone; the others in flight are stored', async () => {
    const batcher = auditBatcher(server.deps.db.dataSource);
    const results = await Promise.allSettled([
      batcher.append(event(100)),
      batcher.append({ ...event(101), action: '' }),
      batcher.append(event(102)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await auditCount(server, `request_id IN ('batch-100', 'batch-101', 'batch-102')`)).toBe(2);
  });

  it('a batch the database could not take is kept and retried until it commits; meanwhile writable() is false', async () => {
    const real = server.deps.db.dataSource;
    let down = 3; // three commits fail, as a database restarting would
    const flaky: Pick<DataSource, 'query'> = {
      query: (sql: string, values?: unknown[]) =>
        down-- > 0 ? Promise.reject(new Error('connection lost')) : real.query(sql, values),
    };
    const logged: string[] = [];
    const batcher = auditBatcher(flaky, { retryMs: 5, log: (e) => void logged.push(e) });
    expect(batcher.writable()).toBe(true);
    const first = batcher.append(event(200));
    await expect.poll(() => batcher.writable(), { interval: 1 }).toBe(false);
    const second = batcher.append(event(201)); // queued behind the failing batch, not lost
    await Promise.all([first, second]);
    expect(batcher.writable()).toBe(true);
    expect(await auditCount(server, `request_id IN ('batch-200', 'batch-201')`)).toBe(2);
    expect(logged.filter((e) => e === 'audit.model_request_retry')).toHaveLength(3);
    expect(logged.at(-1)).toBe('audit.model_request_recovered');
  });

  it('one record the database refuses as data is tried alone and rejected; the rest of its batch commits once', async () => {
    const real = server.deps.db.dataSource;
    // A CHECK violation (SQLSTATE 23514) for one record's batch, as a bad value would cause.
    const refusing: Pick<DataSource, 'query'> = {
      query: (sql: string, values?: unknown[]) =>
        values?.some((v) => typeof v === 'string' && v.includes('"i":301'))
          ? Promise.reject(Object.assign(new Error('violates check constraint'), { code: '23514' }))
          : real.query(sql, values),
    };
    const logged: { event: string; fields: Record<string, unknown> }[] = [];
    const batcher = auditBatcher(refusing, { log: (e, fields) => void logged.push({ event: e, fields }) });
    const results = await Promise.allSettled([300, 301, 302, 303].map((i) => batcher.append(event(i))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    const rows = (await real.query(
      `SELECT request_id AS id, count(*)::int AS n FROM audit_events WHERE request_id LIKE 'batch-30_' GROUP BY request_id ORDER BY 1`,
    )) as { id: string; n: number }[];
    expect(rows).toEqual([
      { id: 'batch-300', n: 1 },
      { id: 'batch-302', n: 1 },
      { id: 'batch-303', n: 1 },
    ]);
    expect(logged).toEqual([
      { event: 'audit.model_request_refused', fields: { requestId: 'batch-301', sqlState: '23514' } },
    ]);
    expect(batcher.writable()).toBe(true);
  });

  it('a full queue refuses at once and is not writable; settled() and drain() say what is left', async () => {
    const never: Pick<DataSource, 'query'> = { query: () => Promise.reject(new Error('connection lost')) };
    const batcher = auditBatcher(never, { maxQueued: 2, retryMs: 5 });
    const queued = [batcher.append(event(400)), batcher.append(event(401))];
    for (const q of queued) q.catch(() => undefined);
    await expect(batcher.append(event(402))).rejects.toMatchObject({ name: 'AuditQueueFull' });
    expect(batcher.writable()).toBe(false);
    expect(await batcher.settled(30)).toBe(false);
    expect(await batcher.drain(30)).toBe(2);
    expect(await auditCount(server, `request_id LIKE 'batch-40_'`)).toBe(0);
  });

  it('settled() waits for what is queued', async () => {
    const batcher = auditBatcher(server.deps.db.dataSource);
    void batcher.append(event(500));
    void batcher.append(event(501));
    expect(await batcher.settled(5000)).toBe(true);
    expect(await auditCount(server, `request_id IN ('batch-500', 'batch-501')`)).toBe(2);
  });
});
