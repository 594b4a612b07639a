// The gateway's audit events are group-committed: every caller's event is stored by the time its
// promise resolves, concurrent events share transactions, and one bad event fails only itself.
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

const event = (i: number) => ({ actor: { type: 'system' as const, id: 'batch-test' }, action: 'model.request', requestId: `batch-${i}`, details: { i } });

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
    const [row] = (await server.deps.db.dataSource.query(`SELECT count(DISTINCT occurred_at)::int AS n FROM audit_events WHERE actor_id = 'batch-test'`)) as { n: number }[];
    expect(row!.n).toBeLessThan(40);
  });

  it('refuses a malformed event alone; the others in flight are stored', async () => {
    const batcher = auditBatcher(server.deps.db.dataSource);
    const results = await Promise.allSettled([batcher.append(event(100)), batcher.append({ ...event(101), action: '' }), batcher.append(event(102))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await auditCount(server, `request_id IN ('batch-100', 'batch-101', 'batch-102')`)).toBe(2);
  });

  it('a failed commit rejects its callers and the next batch still commits', async () => {
    const real = server.deps.db.dataSource;
    let failNext = true;
    // The database refusing one commit, as a dropped connection would.
    const flaky: Pick<DataSource, 'query'> = {
      query: (sql: string, values?: unknown[]) => {
        if (!failNext) return real.query(sql, values);
        failNext = false;
        return Promise.reject(new Error('connection lost'));
      },
    };
    const batcher = auditBatcher(flaky);
    await expect(batcher.append(event(200))).rejects.toThrow('connection lost');
    await batcher.append(event(201));
    expect(await auditCount(server, `request_id IN ('batch-200', 'batch-201')`)).toBe(1);
    expect(await auditCount(server, `request_id = 'batch-201'`)).toBe(1);
  });
});
