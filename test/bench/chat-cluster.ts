// Benchmark: the chat on several nodes. Two appliance processes on a fresh database of the
// PostgreSQL server behind HAProxy (round-robin, ops/haproxy.cfg), against one such process reached
// directly, in the same run and with the same load generator (chat-visitors.ts): messages/s, send →
// first token p50/p99, lost / duplicated. Then cross-node delivery: visitors connected to node A, an
// agent signed in on node B posts to each; POST sent → the message on the visitor's WebSocket, p50/p99.
// On a machine whose cores the nodes share, the cluster row is a ratio to one node, not a speed-up.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import { randomUUID } from 'node:crypto';
import { haproxyPath, startHaproxy } from '../support/haproxy.ts';
import { createNodes, type Node, type Nodes } from '../support/nodes.ts';
import { api, bearerLogin } from '../support/server.ts';
import { connectSocket, isMessage, readyVisitor, visitorApi } from '../support/widget.ts';
import { SKIP_POSTGRES } from './databases.ts';
import type { Emit } from './emit.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DELIVERY_VISITORS = 50;
const DELIVERY_ROUNDS = 4;

/** chat-visitors.ts against `url`; its result row. */
async function visitorsAgainst(
  url: string,
  visitors: number,
  intervalMs: number,
  durationMs: number,
): Promise<Record<string, unknown>> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'chat-visitors.ts'),
      url,
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
  let result: Record<string, unknown> | undefined;
  for await (const line of readline.createInterface({ input: child.stdout })) {
    const row = JSON.parse(line) as Record<string, unknown>;
    if (row.phase === 'connected') child.stdin.write('go\n');
    if (row.phase === 'result') result = row;
  }
  if ((await exited) !== 0 || !result) throw new Error('the visitor process failed');
  const { phase: _, ...numbers } = result;
  return numbers;
}

/** The shipped policies with the per-address limits lifted: every bench visitor comes from 127.0.0.1. */
function benchPolicies(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const f of fs.readdirSync(path.join(ROOT, 'policies')))
    fs.copyFileSync(path.join(ROOT, 'policies', f), path.join(dir, f));
  const sites = fs
    .readFileSync(path.join(dir, 'sites.yaml'), 'utf8')
    .replace(/ipMessagesPerMinute: \d+/, 'ipMessagesPerMinute: 1000000')
    .replace(/ipSessionsPerHour: \d+/, 'ipSessionsPerHour: 1000000');
  fs.writeFileSync(path.join(dir, 'sites.yaml'), sites);
}

async function withNodes<T>(
  postgresUrl: string,
  names: string[],
  fn: (nodes: Node[], cluster: Nodes) => Promise<T>,
): Promise<T> {
  const policies = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR ?? '/tmp'), 'palisade-bench-policies-'));
  benchPolicies(policies);
  const cluster = await createNodes({ PALISADE_POLICIES_DIR: policies, TRUST_PROXY: 'true' }, postgresUrl);
  try {
    const first = await cluster.start(names[0]!);
    const rest = await Promise.all(names.slice(1).map((n) => cluster.start(n)));
    return await fn([first, ...rest], cluster);
  } finally {
    await cluster.stop();
    fs.rmSync(policies, { recursive: true, force: true });
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 10) / 10;
};

/** Visitors on A, the agent's replies posted on B: POST sent → received on A's WebSocket. */
async function crossNodeDelivery(a: Node, b: Node): Promise<Record<string, unknown>> {
  const token = /#token=([A-Za-z0-9_-]+)/.exec(fs.readFileSync(path.join(a.dataDir, 'setup-link.txt'), 'utf8'))![1]!;
  await api(a, 'POST', '/api/setup', {
    body: { token, email: 'admin@bank.example', displayName: 'Admin', password: 'a long admin password' },
  });
  const admin = await bearerLogin(a, 'admin@bank.example', 'a long admin password');
  await api(a, 'POST', '/api/users', {
    token: admin.accessToken,
    body: { email: 'agent@bank.example', displayName: 'Agent', password: 'a long agent password', role: 'agent' },
  });
  const agent = (await bearerLogin(b, 'agent@bank.example', 'a long agent password')).accessToken;
  const sockets = [];
  for (let i = 0; i < DELIVERY_VISITORS; i++) {
    const v = await readyVisitor(a);
    await visitorApi(v, 'POST', '/handoff', { body: {} });
    const socket = connectSocket(v);
    await socket.ready;
    await api(b, 'POST', `/api/agent/conversations/${v.conversation.id}/claim`, { token: agent });
    sockets.push({ v, socket });
  }
  const deliveryMs: number[] = [];
  const commitMs: number[] = [];
  let missing = 0;
  for (let round = 0; round < DELIVERY_ROUNDS; round++) {
    for (const { v, socket } of sockets) {
      const text = `reply ${round} ${randomUUID()}`;
      const sentAt = performance.now();
      const arrived = socket
        .waitFor(
          isMessage((m) => m.text === text),
          10_000,
        )
        .then(
          () => performance.now(),
          () => null,
        );
      const res = await api(b, 'POST', `/api/agent/conversations/${v.conversation.id}/messages`, {
        token: agent,
        body: { clientId: randomUUID(), text },
      });
      commitMs.push(performance.now() - sentAt);
      const at = res.status === 201 ? await arrived : null;
      if (at === null) missing++;
      else deliveryMs.push(at - sentAt);
    }
  }
  for (const { socket } of sockets) socket.close();
  return {
    replies: DELIVERY_VISITORS * DELIVERY_ROUNDS,
    missing,
    postP50Ms: pct(commitMs, 50),
    postP99Ms: pct(commitMs, 99),
    deliveryP50Ms: pct(deliveryMs, 50),
    deliveryP99Ms: pct(deliveryMs, 99),
  };
}

export async function benchChatCluster(
  emit: Emit,
  opts: { postgresUrl?: string; cases: [number, number, number][] },
): Promise<void> {
  if (!opts.postgresUrl) return emit({ bench: 'chat', case: 'cluster', skipped: SKIP_POSTGRES });
  if (!haproxyPath)
    return emit({ bench: 'chat', case: 'cluster', skipped: 'install haproxy (apt-get install haproxy)' });
  for (const [visitors, interval, duration] of opts.cases) {
    const one = await withNodes(opts.postgresUrl, ['node-a'], ([a]) =>
      visitorsAgainst(a!.url, visitors, interval, duration),
    );
    emit({
      bench: 'chat',
      case: 'cluster-baseline',
      database: 'postgres',
      nodes: 1,
      via: 'direct',
      provider: 'extractive',
      ...one,
    });
    await withNodes(opts.postgresUrl, ['node-a', 'node-b'], async ([a, b]) => {
      const lb = await startHaproxy([a!, b!], { checks: 'ops' });
      try {
        const two = await visitorsAgainst(lb.url, visitors, interval, duration);
        emit({
          bench: 'chat',
          case: 'cluster',
          database: 'postgres',
          nodes: 2,
          via: 'haproxy',
          provider: 'extractive',
          ...two,
          messagesPerSecRatioToOneNode:
            Math.round((Number(two.messagesPerSec) / Number(one.messagesPerSec)) * 100) / 100,
          firstTokenP99RatioToOneNode:
            Math.round((Number(two.firstTokenP99Ms) / Number(one.firstTokenP99Ms)) * 100) / 100,
        });
      } finally {
        lb.stop();
      }
      emit({
        bench: 'chat',
        case: 'cluster-delivery',
        database: 'postgres',
        from: 'agent on node B',
        to: 'visitor WebSocket on node A',
        carrier: 'postgres',
        ...(await crossNodeDelivery(a!, b!)),
      });
    });
  }
}
