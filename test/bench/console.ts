// Benchmark: the agent workspace's two latencies with N agents signed in, each holding the staff
// channel (/api/staff/live) open as a console does. "Handoff → visible": from a visitor's
// POST /api/widget/handoff until each agent's console has heard `queue.changed` and read a queue
// that holds the conversation (every console reads it again, as the workspace does). "Reply →
// visible": from an agent's POST …/messages until the visitor's WebSocket has the message.
// The appliance, the agents and the visitors share this process (the consoles' work is a socket
// and a queue read each); rows give p50/p99 in ms.
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { SKIP_POSTGRES } from './databases.ts';
import { benchPolicies, onServer } from './chat.ts';
import { databaseFields, passThrough, type Emit } from './emit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { connectSocket, isMessage, LOCAL_ONLY, readyVisitor, visitorApi } from '../support/widget.ts';

const PASSWORD = 'bench agent password, long enough';

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const summary = (samples: number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Ms: +percentile(sorted, 50).toFixed(1),
    p99Ms: +percentile(sorted, 99).toFixed(1),
    maxMs: +(sorted.at(-1) ?? 0).toFixed(1),
  };
};

interface Console {
  token: string;
  id: string;
  socket: WebSocket;
  /** called with each `queue.changed` id */
  onQueue: (id: string) => void;
}

async function signInAgents(server: TestServer, n: number): Promise<Console[]> {
  const consoles: Console[] = [];
  for (let i = 0; i < n; i++) {
    const email = `bench-agent-${i}@bank.example`;
    const id = await seedStaff(server, { email, password: PASSWORD, role: 'agent', displayName: `Agent ${i}` });
    const { accessToken: token } = await bearerLogin(server, email, PASSWORD);
    const socket = new WebSocket(server.url.replace('http', 'ws') + '/api/staff/live', {
      headers: { Origin: server.url, Cookie: `palisade_at=${token}` },
    });
    const c: Console = { token, id, socket, onQueue: () => {} };
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as { type: string; id?: string };
        if (frame.type === 'ready') resolve();
        else if (frame.type === 'queue.changed') c.onQueue(frame.id!);
      });
    });
    consoles.push(c);
  }
  return consoles;
}

/** Every console hears the handoff and reads the queue until it holds the conversation; one time per console. */
async function handoffVisible(
  server: TestServer,
  consoles: Console[],
): Promise<{ heard: number[]; visible: number[] }> {
  const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
  const id = v.conversation.id;
  const heard: number[] = [];
  const visible: number[] = [];
  let start = 0;
  const done = consoles.map(
    (c) =>
      new Promise<void>((resolve, reject) => {
        let once = false;
        c.onQueue = (changed) => {
          if (changed !== id || once) return;
          once = true;
          heard.push(performance.now() - start);
          api<{ conversations: { id: string }[] }>(server, 'GET', '/api/agent/queue', { token: c.token }).then(
            (res) => {
              if (res.body.conversations?.some((x) => x.id === id)) {
                visible.push(performance.now() - start);
                resolve();
              }
            },
            reject,
          );
        };
      }),
  );
  start = performance.now();
  const res = await visitorApi(v, 'POST', '/handoff');
  if (res.status !== 200) throw new Error(`handoff: ${res.status}`);
  await Promise.all(done);
  for (const c of consoles) c.onQueue = () => {};
  return { heard, visible };
}

/** An agent claims a waiting conversation and replies; the time until the visitor's socket has the reply. */
async function replyVisible(server: TestServer, agent: Console): Promise<number> {
  const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
  if ((await visitorApi(v, 'POST', '/handoff')).status !== 200) throw new Error('handoff failed');
  const claimed = await api(server, 'POST', `/api/agent/conversations/${v.conversation.id}/claim`, {
    token: agent.token,
  });
  if (claimed.status !== 200) throw new Error(`claim: ${claimed.status}`);
  const socket = connectSocket(v);
  await socket.ready;
  const clientId = crypto.randomUUID();
  const arrived = socket.waitFor(
    isMessage((m) => m.role === 'agent' && m.clientId === clientId),
    30_000,
  );
  const start = performance.now();
  const sent = await api(server, 'POST', `/api/agent/conversations/${v.conversation.id}/messages`, {
    token: agent.token,
    body: { clientId, text: 'Hello, how can I help?' },
  });
  if (sent.status !== 201) throw new Error(`reply: ${sent.status}`);
  await arrived;
  const ms = performance.now() - start;
  socket.close();
  return ms;
}

async function run(emit: Emit, database: 'pglite' | 'postgres', agents: number, rounds: number): Promise<void> {
  // Every bench visitor comes from 127.0.0.1: the per-address limits are lifted.
  const policies = benchPolicies();
  const server = await startTestServer(
    { PALISADE_POLICIES_DIR: policies.dir, LOG_LEVEL: 'error', ...passThrough('PALISADE_PGLITE_THREAD') },
    { ownEmbeddedDatabase: database === 'pglite' },
  );
  try {
    const consoles = await signInAgents(server, agents);
    const heard: number[] = [];
    const visible: number[] = [];
    const replies: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const h = await handoffVisible(server, consoles);
      heard.push(...h.heard);
      visible.push(...h.visible);
    }
    for (let i = 0; i < rounds; i++) replies.push(await replyVisible(server, consoles[i % consoles.length]!));
    for (const c of consoles) c.socket.close();
    const fields = { bench: 'console', ...databaseFields(database, server.deps.config), agents };
    emit({ ...fields, case: 'handoff-heard', ...summary(heard) });
    emit({ ...fields, case: 'handoff-visible-in-queue', ...summary(visible) });
    emit({ ...fields, case: 'reply-visible-in-widget', ...summary(replies) });
  } finally {
    await server.stop();
    policies.remove();
  }
}

export async function benchConsole(emit: Emit, opts: { quick?: boolean; postgresUrl?: string }): Promise<void> {
  // BENCH_CONSOLE_AGENTS and BENCH_CONSOLE_ROUNDS narrow or widen a run by hand.
  const agents = Number(process.env.BENCH_CONSOLE_AGENTS ?? (opts.quick ? 5 : 20));
  const rounds = Number(process.env.BENCH_CONSOLE_ROUNDS ?? (opts.quick ? 10 : 100));
  await run(emit, 'pglite', agents, rounds);
  if (!opts.postgresUrl) return emit({ bench: 'console', case: 'postgres', skipped: SKIP_POSTGRES });
  await onServer(opts.postgresUrl, () => run(emit, 'postgres', agents, rounds));
}
