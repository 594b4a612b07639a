// A node killed (SIGKILL) while the AI's answer streams to a visitor over its WebSocket, with three
// nodes on a fresh PostgreSQL database behind HAProxy and a slow Ollama stand-in. The widget
// reconnects through HAProxy to a surviving node; exactly one survivor takes the dead node's reply
// job over and generates the answer again from the stored transcript (the half streamed before the
// kill is never stored). The visitor's question is kept, nothing is shown twice, the answer arrives.
// Skipped when no PostgreSQL server answers or HAProxy is not installed (CI installs it).
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, MessageView } from '../../protocol/widget.ts';
import { type Balancer, haproxyPath, startHaproxy } from '../support/haproxy.ts';
import { createNodes, type Nodes, postgresAnswers } from '../support/nodes.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../support/standins/ollama.ts';
import {
  connectSocket,
  readyVisitor,
  resumeCursor,
  type Visitor,
  visitorApi,
  type WidgetSocket,
} from '../support/widget.ts';

const available = Boolean(haproxyPath) && (await postgresAnswers());

const PARTS = 30;
const answerParts = Array.from({ length: PARTS }, (_, i) => `part${i} `);

/** A socket through HAProxy and the node that serves it; a connection HAProxy sent to the dead node is tried again. */
async function connectThrough(v: Visitor, after: number): Promise<{ socket: WidgetSocket; node: string }> {
  for (let attempt = 0; ; attempt++) {
    const socket = connectSocket(v, { after });
    const node = new Promise<string>((resolve) =>
      socket.ws.once('upgrade', (res) => resolve(String(res.headers['x-node']))),
    );
    const up = await Promise.race([socket.ready.then(() => true), socket.closed.then(() => false)]);
    if (up) return { socket, node: await node };
    if (attempt >= 30) throw new Error('the widget found no node through HAProxy');
    await sleep(300);
  }
}

describe.skipIf(!available)('a node killed mid-answer, three nodes behind HAProxy', () => {
  let cluster: Nodes;
  let lb: Balancer;
  let ollama: OllamaStandIn;

  beforeAll(async () => {
    ollama = await startOllamaStandIn();
    cluster = await createNodes({ TRUST_PROXY: 'true', OLLAMA_HOST: ollama.url, RETENTION_INTERVAL_SECONDS: '0' });
    const a = await cluster.start('node-a');
    const others = await Promise.all([cluster.start('node-b'), cluster.start('node-c')]);
    lb = await startHaproxy([a, ...others]);
  }, 300_000);

  afterAll(async () => {
    lb?.stop();
    await cluster?.stop();
    await ollama?.close();
  }, 60_000);

  it('reconnects to a survivor, which alone generates the answer again; nothing lost, nothing twice', async () => {
    ollama.reply = () => answerParts;
    ollama.chunkDelayMs = 150; // about 4.5 s of streaming
    const chatCalls = () => ollama.requests.filter((r) => r.path === '/api/chat').length;
    const v = await readyVisitor(lb);
    const { socket: first, node: victimName } = await connectThrough(v, 0);
    const clientId = randomUUID();
    const ack = await first.sendMessage('When is the branch open on Saturdays?', clientId);
    expect(ack.type).toBe('ack');
    const cut = await first.waitFor<Extract<ChatEvent, { type: 'reply_start' }>>(
      (e) => e.type === 'reply_start',
      30_000,
    );
    await first.waitFor(
      (e) => e.type === 'delta' && first.events.filter((x) => x.type === 'delta').length >= 5,
      30_000,
    );
    expect(chatCalls()).toBe(1);

    // The node holding the socket (and generating the answer) dies mid-answer.
    const victim = cluster.nodes.find((n) => n.name === victimName)!;
    const survivors = cluster.nodes.filter((n) => n !== victim);
    victim.proc.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.closed;
    expect(first.events.some((e) => e.type === 'reply_end')).toBe(false);
    const held = new Map<number, MessageView>(first.messages().map((m) => [m.seq, m]));
    const question = [...held.values()].find((m) => m.clientId === clientId);
    expect(question?.role).toBe('visitor');

    // The widget's way back: through HAProxy, after its cursor.
    const { socket: second, node: survivorName } = await connectThrough(v, resumeCursor(held));
    const reconnectMs = Date.now() - killedAt;
    expect(survivorName).not.toBe(victimName);
    expect(reconnectMs).toBeLessThan(15_000); // "within seconds": HAProxy's check and the widget's retry
    const answer = (
      await second.waitFor<Extract<ChatEvent, { type: 'message' }>>(
        (e) => e.type === 'message' && e.message.role === 'assistant',
        60_000,
      )
    ).message;
    // Generated again, in full, under a reply id of its own; the half streamed by the dead node is gone.
    expect(answer.text).toBe(answerParts.join(''));
    expect(answer.id).not.toBe(cut.replyId);
    expect(answer.seq).toBeGreaterThan(question!.seq);
    expect(second.events.some((e) => e.type !== 'message' && 'replyId' in e && e.replyId === cut.replyId)).toBe(false);

    // Nothing twice: what the second socket sends is what the first lacked; the seqs run unbroken.
    const resent = second.messages();
    expect(resent.every((m) => !held.has(m.seq))).toBe(true);
    for (const m of resent) held.set(m.seq, m);
    const seqs = [...held.keys()].sort((x, y) => x - y);
    expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length);
    expect(new Set([...held.values()].map((m) => m.id)).size).toBe(held.size);

    // Exactly one survivor took the job over: one more model call, one stored answer, even after
    // more sweeps of both survivors.
    await sleep(5_000);
    expect(chatCalls()).toBe(2);
    const takers = survivors.filter((n) => n.proc.stdout().includes('chat.replies_taken_over'));
    expect(takers.map((n) => n.name)).toHaveLength(1);
    const state = await visitorApi<{ messages: MessageView[] }>(v, 'GET', '/conversation');
    expect(state.status).toBe(200);
    const stored = state.body.messages;
    expect(stored.filter((m) => m.role === 'assistant')).toHaveLength(1);
    expect(stored.filter((m) => m.clientId === clientId)).toHaveLength(1);
    second.close();
  }, 120_000);
});
