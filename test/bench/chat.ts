// Benchmark: concurrent visitors on WebSockets. The appliance runs in this process on
// its embedded database with the demo knowledge base, answering with the `extractive` provider; the
// visitors run in a child process (chat-visitors.ts) so that the server's memory per connection is
// its own. Rows: messages/s, send → ack and send → first streamed token p50/p99, memory per open
// connection, and lost / duplicated messages (counted against what the server stored).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startTestServer } from '../support/server.ts';
import { policiesDir } from '../support/widget.ts';
import { benchChatCluster } from './chat-cluster.ts';
import { SKIP_POSTGRES } from './databases.ts';
import { databaseFields, passThrough, type Emit } from './emit.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** The shipped policies, with the per-address limits lifted: every bench visitor comes from 127.0.0.1. */
export function benchPolicies() {
  const sites = fs
    .readFileSync(path.join(ROOT, 'policies', 'sites.yaml'), 'utf8')
    .replace(/ipMessagesPerMinute: \d+/, 'ipMessagesPerMinute: 1000000')
    .replace(/ipSessionsPerHour: \d+/, 'ipSessionsPerHour: 1000000');
  return policiesDir({ 'sites.yaml': sites });
}

function collectGarbage(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}

async function run(
  emit: Emit,
  database: 'pglite' | 'postgres',
  visitors: number,
  intervalMs: number,
  durationMs: number,
): Promise<void> {
  const policies = benchPolicies();
  // On PGlite the appliance opens its own embedded database in its data dir, as `npm start` does
  // (PALISADE_PGLITE_THREAD passed on: its thread or the event loop).
  const server = await startTestServer(
    { PALISADE_POLICIES_DIR: policies.dir, LOG_LEVEL: 'error', ...passThrough('PALISADE_PGLITE_THREAD') },
    { seedDemoKnowledge: true, ownEmbeddedDatabase: database === 'pglite' },
  );
  try {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(import.meta.dirname, 'chat-visitors.ts'),
        server.url,
        String(visitors),
        String(intervalMs),
        String(durationMs),
      ],
      {
        cwd: ROOT,
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
    let before = process.memoryUsage();
    let result: Record<string, unknown> | undefined;
    for await (const line of readline.createInterface({ input: child.stdout })) {
      const row = JSON.parse(line) as Record<string, unknown>;
      if (row.phase === 'sessions') {
        collectGarbage();
        before = process.memoryUsage();
      }
      if (row.phase === 'connected') {
        collectGarbage();
        const after = process.memoryUsage();
        const perConnection = (key: 'rss' | 'heapUsed' | 'external') =>
          Math.round((after[key] - before[key]) / visitors / 102.4) / 10;
        emit({
          bench: 'chat',
          case: 'connections',
          database,
          visitors,
          openConnections: server.chat.hub.connections() ?? null,
          heapPerConnectionKiB: perConnection('heapUsed'),
          externalPerConnectionKiB: perConnection('external'),
          rssPerConnectionKiB: perConnection('rss'),
        });
        child.stdin.write('go\n');
      }
      if (row.phase === 'result') result = row;
    }
    if ((await exited) !== 0 || !result) throw new Error('the visitor process failed');
    const { phase: _, ...numbers } = result;
    emit({
      bench: 'chat',
      case: 'websocket',
      ...databaseFields(database, server.deps.config),
      provider: 'extractive',
      ...numbers,
    });
  } finally {
    await server.stop();
    policies.remove();
  }
}

/** The PostgreSQL server pass uses the test support's fresh-database-per-server path. */
export async function onServer<T>(url: string, fn: () => Promise<T>): Promise<T> {
  const previous = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = url;
  try {
    return await fn();
  } finally {
    if (previous === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = previous;
  }
}

export async function benchChat(emit: Emit, opts: { quick?: boolean; postgresUrl?: string }): Promise<void> {
  // 1,000 visitors each writing every 5 s is the load the chat is sized for; every 20 s shows the same
  // connections at a quarter of the message rate.
  // BENCH_CHAT_CASES="visitors:intervalMs:durationMs,…" and BENCH_CHAT_DATABASES="postgres" (or
  // "cluster": two nodes behind HAProxy against one, on the PostgreSQL server) narrow a run by hand.
  const cases: [number, number, number][] = process.env.BENCH_CHAT_CASES
    ? process.env.BENCH_CHAT_CASES.split(',').map((c) => c.split(':').map(Number) as [number, number, number])
    : opts.quick
      ? [[100, 3000, 10_000]]
      : [
          [1000, 20_000, 60_000],
          [1000, 5000, 60_000],
        ];
  const databases = (process.env.BENCH_CHAT_DATABASES ?? 'pglite,postgres,cluster').split(',');
  if (databases.includes('pglite'))
    for (const [visitors, interval, duration] of cases) await run(emit, 'pglite', visitors, interval, duration);
  // The cluster is sized by the 1,000 visitors writing every 5 s (the last case).
  if (databases.includes('cluster'))
    await benchChatCluster(emit, {
      postgresUrl: opts.postgresUrl,
      cases: process.env.BENCH_CHAT_CASES || opts.quick ? cases : cases.slice(-1),
    });
  if (!databases.includes('postgres')) return;
  if (!opts.postgresUrl) return emit({ bench: 'chat', case: 'postgres', skipped: SKIP_POSTGRES });
  for (const [visitors, interval, duration] of cases)
    await onServer(opts.postgresUrl, () => run(emit, 'postgres', visitors, interval, duration));
}
