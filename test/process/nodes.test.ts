// Two real appliance processes on one fresh PostgreSQL database, as an operator runs several nodes:
// a visitor on node A, the agent on node B. Once with the nodes finding each other through the
// database (LISTEN/NOTIFY), once through Redis (REDIS_URL, a key prefix of the test's own). A slow
// Ollama stand-in streams the answers.
// Skipped only when no PostgreSQL server answers (CI has one).
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../protocol/widget.ts';
import { createNodes, type Node, type Nodes, postgresAnswers } from '../support/nodes.ts';
import { api, bearerLogin } from '../support/server.ts';
import { type OllamaStandIn, startOllamaStandIn } from '../support/standins/ollama.ts';
import { connectSocket, isMessage, openEventStream, readyVisitor, sendMessage, visitorApi } from '../support/widget.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const available = await postgresAnswers();

describe.skipIf(!available).each([
  { carrier: 'postgres', extra: {} as Record<string, string> },
  {
    carrier: 'redis',
    extra: { REDIS_URL, REDIS_KEY_PREFIX: `palisade-test-${randomBytes(4).toString('hex')}:` } as Record<
      string,
      string
    >,
  },
])('two nodes, events over $carrier', ({ carrier, extra }) => {
  let cluster: Nodes;

  let a: Node;
  let b: Node;
  let agentToken: string;
  let setupResult: { status: number };
  let nodeBLog: string;
  let ollama: OllamaStandIn;

  beforeAll(async () => {
    ollama = await startOllamaStandIn();
    cluster = await createNodes({ ...extra, OLLAMA_HOST: ollama.url });
    a = await cluster.start('node-a');
    const link = fs.readFileSync(path.join(a.dataDir, 'setup-link.txt'), 'utf8');
    const token = /#token=([A-Za-z0-9_-]+)/.exec(link)![1]!;
    b = await cluster.start('node-b');
    nodeBLog = b.proc.stdout();
    // A's link, used through B after B started.
    setupResult = await api(b, 'POST', '/api/setup', {
      body: { token, email: 'admin@bank.example', displayName: 'Admin', password: 'a long admin password' },
    });
    const admin = await bearerLogin(a, 'admin@bank.example', 'a long admin password');
    const created = await api(a, 'POST', '/api/users', {
      token: admin.accessToken,
      body: { email: 'agent@bank.example', displayName: 'Agent', password: 'a long agent password', role: 'agent' },
    });
    expect(created.status).toBe(201);
    agentToken = (await bearerLogin(b, 'agent@bank.example', 'a long agent password')).accessToken;
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    await ollama?.close();
  }, 60_000);

  it("keeps node A's setup link working after node B starts: B issues none of its own", () => {
    expect(setupResult.status).toBe(201);
    expect(fs.existsSync(path.join(b.dataDir, 'setup-link.txt'))).toBe(false);
    expect(nodeBLog).toContain('"setup.link_on_other_node"');
    expect(nodeBLog).toContain('"node":"node-a"');
  });

  it("brings the agent's reply on node B to the visitor on node A, over the WebSocket and SSE", async () => {
    const v = await readyVisitor(a);
    const handoff = await visitorApi(v, 'POST', '/handoff', { body: {} });
    expect(handoff.body).toMatchObject({ conversation: { status: 'handoff', mode: 'queued' } });
    const socket = connectSocket(v);
    const ready = await socket.ready;
    const sse = await openEventStream(v, { after: ready.lastSeq });
    expect(sse.status).toBe(200);
    const conv = `/api/agent/conversations/${v.conversation.id}`;
    expect((await api(b, 'POST', `${conv}/claim`, { token: agentToken })).status).toBe(200);
    // The claim on B: A's connections hear the state change and get the "agent joined" notice.
    await socket.waitFor((e) => e.type === 'state' && e.conversation.mode === 'agent', 10_000);
    await socket.waitFor(
      isMessage((m) => m.notice === 'agent_joined'),
      10_000,
    );
    await sse.waitFor(
      isMessage((m) => m.notice === 'agent_joined'),
      10_000,
    );
    const text = `reply from node B ${randomUUID()}`;
    const sent = await api<{ message: { seq: number } }>(b, 'POST', `${conv}/messages`, {
      token: agentToken,
      body: { clientId: randomUUID(), text },
    });
    expect(sent.status).toBe(201);
    const overWs = await socket.waitFor(
      isMessage((m) => m.text === text),
      10_000,
    );
    const overSse = await sse.waitFor(
      isMessage((m) => m.text === text),
      10_000,
    );
    expect([overWs, overSse].map((e) => e.type === 'message' && e.message.seq)).toEqual([
      sent.body.message.seq,
      sent.body.message.seq,
    ]);
    // The visitor answers on A; the agent's next reply on B arrives after it, nothing skipped or repeated.
    const mine = await socket.sendMessage('thanks, one more question');
    expect(mine).toMatchObject({ type: 'ack' });
    const second = await api(b, 'POST', `${conv}/messages`, {
      token: agentToken,
      body: { clientId: randomUUID(), text: 'second reply' },
    });
    expect(second.status).toBe(201);
    await socket.waitFor(
      isMessage((m) => m.text === 'second reply'),
      10_000,
    );
    await sse.waitFor(
      isMessage((m) => m.text === 'second reply'),
      10_000,
    );
    for (const log of [socket, sse]) {
      const seqs = log.messages().map((m) => m.seq);
      expect(seqs).toEqual([...new Set(seqs)].sort((x, y) => x - y));
      expect(seqs.at(-1)! - seqs[0]! + 1).toBe(seqs.length); // gap-free
    }
    socket.close();
    sse.close();
  }, 60_000);

  it(`gives a visitor who joins node B mid-answer on A ${carrier === 'redis' ? 'the text so far, from Redis' : 'the answer once committed'}`, async () => {
    const parts = Array.from({ length: 20 }, (_, i) => `part${i} `);
    ollama.reply = () => parts;
    ollama.chunkDelayMs = 150;
    const v = await readyVisitor(a);
    const onA = connectSocket(v);
    await onA.ready;
    expect(await onA.sendMessage('When is the branch open on Saturdays?')).toMatchObject({ type: 'ack' });
    const started = await onA.waitFor<Extract<ChatEvent, { type: 'reply_start' }>>(
      (e) => e.type === 'reply_start',
      30_000,
    );
    await onA.waitFor(() => onA.events.filter((e) => e.type === 'delta').length >= 4, 30_000);
    const onB = connectSocket({ ...v, server: b });
    await onB.ready;
    const answer = await onB.waitFor<Extract<ChatEvent, { type: 'message' }>>(
      isMessage((m) => m.role === 'assistant'),
      30_000,
    );
    expect(answer.message).toMatchObject({ id: started.replyId, text: parts.join('') });
    const streamed = onB.events.filter((e) => e.type === 'reply_start' || e.type === 'delta');
    if (carrier === 'postgres') expect(streamed).toEqual([]);
    else {
      // reply_start, then one delta with everything A had streamed when B was joined; nothing after.
      expect(streamed).toHaveLength(2);
      expect(streamed[0]).toEqual({ type: 'reply_start', replyId: started.replyId });
      const soFar = streamed[1] as Extract<ChatEvent, { type: 'delta' }>;
      expect(soFar.replyId).toBe(started.replyId);
      expect(soFar.text.startsWith(parts.slice(0, 4).join(''))).toBe(true);
      expect(parts.join('').startsWith(soFar.text)).toBe(true);
      expect(onB.events.indexOf(streamed[0]!)).toBeLessThan(onB.events.indexOf(answer));
    }
    onA.close();
    onB.close();
  }, 60_000);

  it.runIf(carrier === 'redis')(
    "keeps an answer's pieces in Redis sealed, and only while it streams",
    async () => {
      const { Redis } = await import('ioredis');
      const r = new Redis(REDIS_URL);
      try {
        ollama.reply = () => Array.from({ length: 20 }, (_, i) => `sealed${i} `);
        ollama.chunkDelayMs = 100;
        const v = await readyVisitor(a);
        const onA = connectSocket(v);
        await onA.ready;
        await onA.sendMessage('When is the branch open on Sundays?');
        const started = await onA.waitFor<Extract<ChatEvent, { type: 'reply_start' }>>(
          (e) => e.type === 'reply_start',
          30_000,
        );
        await onA.waitFor(() => onA.events.filter((e) => e.type === 'delta').length >= 3, 30_000);
        const key = `${extra.REDIS_KEY_PREFIX}streaming-pieces:${started.replyId}`;
        const pieces = await r.lrange(key, 0, -1);
        expect(pieces.length).toBeGreaterThanOrEqual(3);
        for (const p of pieces) expect(Buffer.from(p, 'base64').toString('latin1')).not.toContain('sealed');
        await onA.waitFor(
          isMessage((m) => m.id === started.replyId),
          30_000,
        );
        expect(await r.exists(key, `${extra.REDIS_KEY_PREFIX}streaming:${v.conversation.id}`)).toBe(0);
        onA.close();
      } finally {
        r.disconnect();
      }
    },
    60_000,
  );

  it('holds a visitor to 20 messages a minute across both nodes, not 20 on each', async () => {
    const v = await readyVisitor(a, {
      decisions: { ai_local: false, ai_cloud: false, transcript_keep: true, voice_input: false },
    });
    const onB = { ...v, server: b };
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await sendMessage(i % 2 ? onB : v, `message ${i}`)).status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
  }, 120_000);

  it.runIf(carrier === 'redis')('keeps the counts in Redis under the key prefix', async () => {
    const { Redis } = await import('ioredis');
    const r = new Redis(REDIS_URL);
    try {
      expect((await r.keys(`${extra.REDIS_KEY_PREFIX}limit:chat_visitor_*`)).length).toBeGreaterThan(0);
    } finally {
      r.disconnect();
    }
  });
});
