// Two real nodes behind Debian's HAProxy (round-robin, no sticky sessions, health checks on
// /readyz), as ops/haproxy.cfg sets it up. The visitor talks through HAProxy only; the node holding
// the visitor's WebSocket is killed (SIGKILL); the widget's way back (reconnect through HAProxy,
// resume after the unbroken run of seqs it holds) loses nothing and repeats nothing.
// Skipped when no PostgreSQL server answers or HAProxy is not installed (CI installs it).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageView } from '../../protocol/widget.ts';
import { createNodes, type Nodes, postgresAnswers } from '../support/nodes.ts';
import { type Balancer, haproxyPath, startHaproxy } from '../support/haproxy.ts';
import { api, bearerLogin } from '../support/server.ts';
import {
  connectSocket,
  isMessage,
  openEventStream,
  readyVisitor,
  resumeCursor,
  visitorApi,
  type WidgetSocket,
} from '../support/widget.ts';

const available = Boolean(haproxyPath) && (await postgresAnswers());

describe.skipIf(!available)('two nodes behind HAProxy', () => {
  let cluster: Nodes;
  let lb: Balancer;
  let agentToken: string;

  beforeAll(async () => {
    cluster = await createNodes({ TRUST_PROXY: 'true' });
    const a = await cluster.start('node-a');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(fs.readFileSync(path.join(a.dataDir, 'setup-link.txt'), 'utf8'))![1]!;
    const b = await cluster.start('node-b');
    lb = await startHaproxy([a, b]);
    expect(
      (
        await api(lb, 'POST', '/api/setup', {
          body: { token, email: 'admin@bank.example', displayName: 'Admin', password: 'a long admin password' },
        })
      ).status,
    ).toBe(201);
    const admin = await bearerLogin(lb, 'admin@bank.example', 'a long admin password');
    expect(
      (
        await api(lb, 'POST', '/api/users', {
          token: admin.accessToken,
          body: { email: 'agent@bank.example', displayName: 'Agent', password: 'a long agent password', role: 'agent' },
        })
      ).status,
    ).toBe(201);
    agentToken = (await bearerLogin(lb, 'agent@bank.example', 'a long agent password')).accessToken;
  }, 300_000);

  afterAll(async () => {
    lb?.stop();
    await cluster?.stop();
  }, 60_000);

  it('carries WebSocket and SSE; a node killed under the visitor loses nothing across the reconnect', async () => {
    const v = await readyVisitor(lb);
    expect((await visitorApi(v, 'POST', '/handoff', { body: {} })).status).toBe(200);
    const held = new Map<number, MessageView>();
    const hold = (s: WidgetSocket) =>
      s.events.forEach((e) => e.type === 'message' && held.set(e.message.seq, e.message));
    const first = connectSocket(v);
    const servedBy = new Promise<string>((resolve) =>
      first.ws.once('upgrade', (res) => resolve(String(res.headers['x-node']))),
    );
    await first.ready;
    const sse = await openEventStream(v);
    expect(sse.status).toBe(200);
    const conv = `/api/agent/conversations/${v.conversation.id}`;
    expect((await api(lb, 'POST', `${conv}/claim`, { token: agentToken })).status).toBe(200);
    const before = `before the loss ${randomUUID()}`;
    expect(
      (await api(lb, 'POST', `${conv}/messages`, { token: agentToken, body: { clientId: randomUUID(), text: before } }))
        .status,
    ).toBe(201);
    await first.waitFor(
      isMessage((m) => m.text === before),
      10_000,
    );
    await sse.waitFor(
      isMessage((m) => m.text === before),
      10_000,
    );
    hold(first);

    // The node that holds the socket dies; the agent, through HAProxy, goes on writing.
    const victimName = await servedBy;
    const victim = cluster.nodes.find((n) => n.name === victimName)!;
    victim.proc.child.kill('SIGKILL');
    await first.closed;
    const during: string[] = [];
    for (let i = 0; i < 3; i++) {
      const text = `while reconnecting ${i} ${randomUUID()}`;
      const body = { clientId: randomUUID(), text };
      // A request HAProxy sent to the dead node before its check failed (a 5xx, or the connection
      // closed): the agent's console retries with the same clientId.
      const post = () =>
        api(lb, 'POST', `${conv}/messages`, { token: agentToken, body }).catch(() => ({ status: 599 }));
      let res = await post();
      for (let tries = 0; res.status >= 500 && tries < 20; tries++) {
        await new Promise((r) => setTimeout(r, 300));
        res = await post();
      }
      expect([200, 201]).toContain(res.status);
      during.push(text);
    }

    // The widget reconnects through HAProxy after its cursor and gets exactly what it lacks.
    const second = connectSocket(v, { after: resumeCursor(held) });
    await second.ready;
    for (const text of during)
      await second.waitFor(
        isMessage((m) => m.text === text),
        15_000,
      );
    const resent = second.messages().map((m) => m.seq);
    expect(resent.every((s) => !held.has(s))).toBe(true); // nothing shown twice
    hold(second);
    const seqs = [...held.keys()].sort((x, y) => x - y);
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length); // nothing lost
    second.close();
    sse.close();
  }, 120_000);
});
