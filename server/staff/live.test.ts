// The staff channel's changes cross nodes over the real carriers: two clusters on one PostgreSQL
// database (LISTEN/NOTIFY), and two on one Redis, each standing for a node. A change published on
// one reaches the other's subscribers once, and the publishing node's own subscribers at once.
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { ADMIN_URL, postgresAnswers } from '../../test/support/nodes.ts';
import { openCluster, type Cluster } from '../cluster/index.ts';
import type { Config } from '../config.ts';
import type { Infra } from '../infra.ts';
import { createLogger } from '../logger.ts';
import { publishStaffEvent, type StaffChange, subscribeStaffEvents } from './live.ts';

const logger = createLogger({ level: 'error', stream: new PassThrough() });
const reachable = await postgresAnswers();

async function pair(config: Pick<Config, 'database' | 'redis'>): Promise<[Cluster, Cluster]> {
  return [
    await openCluster({ config, nodeId: 'node-a', logger }),
    await openCluster({ config, nodeId: 'node-b', logger }),
  ];
}
/** a node's services need only its cluster here */
const nodeOf = (cluster: Cluster) => ({ cluster }) as unknown as Infra;

async function crossing(a: Infra, b: Infra) {
  const onA: StaffChange[] = [];
  const onB: StaffChange[] = [];
  subscribeStaffEvents(a, (e) => onA.push(e));
  subscribeStaffEvents(b, (e) => onB.push(e));
  publishStaffEvent(a, { type: 'hold.changed', id: 'h-1' });
  expect(onA).toEqual([{ type: 'hold.changed', id: 'h-1' }]); // at once, on its own node
  publishStaffEvent(b, { type: 'queue.changed', id: 'c-9' });
  for (let i = 0; i < 100 && (onB.length < 2 || onA.length < 2); i++) await new Promise((r) => setTimeout(r, 50));
  expect(onB).toEqual(
    expect.arrayContaining([
      { type: 'hold.changed', id: 'h-1' },
      { type: 'queue.changed', id: 'c-9' },
    ]),
  );
  expect(onB).toHaveLength(2);
  expect(onA).toEqual([
    { type: 'hold.changed', id: 'h-1' },
    { type: 'queue.changed', id: 'c-9' },
  ]);
}

describe.runIf(reachable)('staff changes across nodes', () => {
  let db: TestDatabase;
  const open: Cluster[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(ADMIN_URL);
  });
  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await db?.drop();
  });

  it('over PostgreSQL LISTEN/NOTIFY', async () => {
    const [a, b] = await pair({ database: db.database });
    open.push(a, b);
    await crossing(nodeOf(a), nodeOf(b));
  });

  it('over Redis pub/sub', async () => {
    const [a, b] = await pair({
      database: db.database,
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: `live-test-${process.pid}:` },
    });
    open.push(a, b);
    await crossing(nodeOf(a), nodeOf(b));
  });
});
