// The load generator of the chat benchmark, run as its own process so that its CPU and memory are
// not the server's: N visitors each open a session, accept local AI, connect a WebSocket and send a
// message every few seconds (jittered), timing send → ack and send → first streamed token.
// Protocol: docs/widget-protocol.md. Progress lines and the result are JSON lines on stdout.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import type { ChatEvent } from '../../protocol/widget.ts';

const [baseArg, visitorsArg, intervalArg, durationArg] = process.argv.slice(2);
const base = baseArg ?? 'http://127.0.0.1:8080';
const VISITORS = Number(visitorsArg);
const INTERVAL_MS = Number(intervalArg);
const DURATION_MS = Number(durationArg);
const QUESTIONS = [
  'How do I block my card?',
  'What does a replacement card cost?',
  'How can I reset my online banking password?',
  'What are your opening hours?',
  'How do I report a lost card?',
  'Can I raise my card limit?',
];

/** A made-up lowercase word per message number: not in the knowledge base, not personal data. */
const wordOf = (n: number) => 'zq' + n.toString(26).replace(/[0-9]/g, (d) => 'abcdefghij'[Number(d)]!);

const out = (row: Record<string, unknown>) => process.stdout.write(JSON.stringify(row) + '\n');

async function json<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 429 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
      continue;
    }
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

interface Pending {
  clientId: string;
  sentAt: number;
  ackedAt?: number;
}

interface Visitor {
  token: string;
  ws?: WebSocket;
  pending: Pending[];
  /** sends acked before the reply now streaming began: its first token answers them */
  answering: Pending[];
  sent: Set<string>;
  texts: Map<string, string>;
  acks: Map<string, number>;
  seqs: Map<number, number>;
  replies: number;
}

/** What the server sends on the socket: the chat events plus the socket's own replies. */
type Frame = ChatEvent | { type: 'ready' } | { type: 'pong' } | { type: 'ack'; clientId: string };

const ackMs: number[] = [];
const firstTokenMs: number[] = [];
let errors = 0;
let retries = 0;
/** sockets the server (or a balancer) closed during the run: this generator does not reconnect, so their later sends count as lost */
let socketsClosed = 0;
let finishing = false;
const RETRYABLE = new Set(['database_unavailable', 'internal_error', 'rate_limited']);
const errorIds = new Map<string, number>();

function connect(v: Visitor): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(base.replace(/^http/, 'ws') + '/api/widget/ws', { perMessageDeflate: false });
    v.ws = ws;
    ws.once('error', reject);
    ws.on('close', () => void (finishing || socketsClosed++));
    ws.on('open', () => ws.send(JSON.stringify({ type: 'hello', token: v.token, after: 0 })));
    ws.on('message', (data) => {
      const e = JSON.parse(String(data)) as Frame;
      const now = performance.now();
      if (e.type === 'ready') resolve();
      else if (e.type === 'ack') {
        v.acks.set(e.clientId, (v.acks.get(e.clientId) ?? 0) + 1);
        const p = v.pending.find((x) => x.clientId === e.clientId);
        if (p && p.ackedAt === undefined) {
          p.ackedAt = now;
          ackMs.push(now - p.sentAt);
        }
      } else if (e.type === 'reply_start') {
        v.answering = v.pending.filter((p) => p.ackedAt !== undefined);
        v.pending = v.pending.filter((p) => p.ackedAt === undefined);
      } else if (e.type === 'delta') {
        for (const p of v.answering) firstTokenMs.push(now - p.sentAt);
        v.answering = [];
      } else if (e.type === 'message') {
        v.seqs.set(e.message.seq, (v.seqs.get(e.message.seq) ?? 0) + 1);
        if (e.message.role === 'assistant') v.replies++;
      } else if (e.type === 'error') {
        errors++;
        errorIds.set(e.error.id, (errorIds.get(e.error.id) ?? 0) + 1);
        // As the widget does: a "retry later" answer is sent again with the same clientId.
        const p = v.pending.find((x) => x.clientId === e.clientId);
        if (p && RETRYABLE.has(e.error.id)) {
          retries++;
          const text = v.texts.get(p.clientId);
          setTimeout(
            () =>
              v.ws?.readyState === WebSocket.OPEN &&
              v.ws.send(JSON.stringify({ type: 'send', clientId: p.clientId, text })),
            1000,
          );
        }
      }
    });
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return Math.round((s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0) * 10) / 10;
};

const config = await json<{ consent: { version: string; hash: string } }>(
  'GET',
  '/api/widget/config?site=retail&lang=en',
);
const visitors: Visitor[] = [];
// Sessions and consents a few at a time: the setup is not what is measured.
for (let i = 0; i < VISITORS; i += 20) {
  await Promise.all(
    Array.from({ length: Math.min(20, VISITORS - i) }, async () => {
      const s = await json<{ token: string }>('POST', '/api/widget/sessions', { site: 'retail', language: 'en' });
      await json(
        'PUT',
        '/api/widget/consents',
        {
          version: config.consent.version,
          hash: config.consent.hash,
          language: 'en',
          decisions: { ai_local: true, ai_cloud: false, transcript_keep: false, voice_input: false },
        },
        s.token,
      );
      visitors.push({
        token: s.token,
        pending: [],
        answering: [],
        sent: new Set(),
        texts: new Map(),
        acks: new Map(),
        seqs: new Map(),
        replies: 0,
      });
    }),
  );
}
out({ phase: 'sessions', visitors: visitors.length });
for (let i = 0; i < visitors.length; i += 50) await Promise.all(visitors.slice(i, i + 50).map(connect));
out({ phase: 'connected', connections: visitors.length });
// The parent measures the server's memory with every connection open and idle.
await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));

const started = performance.now();
let sends = 0;
await Promise.all(
  visitors.map(async (v, i) => {
    await new Promise((r) => setTimeout(r, Math.random() * INTERVAL_MS));
    while (performance.now() - started < DURATION_MS) {
      const clientId = randomUUID();
      v.pending.push({ clientId, sentAt: performance.now() });
      v.sent.add(clientId);
      // Every message distinct (as real visitors' are), so no cache or memo answers a repeat.
      const text = `${QUESTIONS[(i + sends) % QUESTIONS.length]!} ${wordOf(sends)}`;
      v.texts.set(clientId, text);
      v.ws!.send(JSON.stringify({ type: 'send', clientId, text }));
      sends++;
      await new Promise((r) => setTimeout(r, INTERVAL_MS * (0.5 + Math.random())));
    }
  }),
);
const sendSeconds = (performance.now() - started) / 1000;
// Let the last answers finish, then count what the server stored against what was sent.
const drainUntil = performance.now() + 60_000;
while (performance.now() < drainUntil && visitors.some((v) => v.pending.length || v.answering.length))
  await new Promise((r) => setTimeout(r, 250));

finishing = true;
let lost = 0;
let duplicated = 0;
let unanswered = 0;
let eventDuplicates = 0;
for (const v of visitors) {
  const state = await json<{ messages: { role: string; clientId: string | null; seq: number }[] }>(
    'GET',
    '/api/widget/conversation',
    undefined,
    v.token,
  );
  const stored = state.messages;
  const byClient = new Map<string, number>();
  for (const m of stored)
    if (m.role === 'visitor' && m.clientId) byClient.set(m.clientId, (byClient.get(m.clientId) ?? 0) + 1);
  for (const id of v.sent) {
    const n = byClient.get(id) ?? 0;
    if (n === 0) lost++;
    if (n > 1) duplicated += n - 1;
  }
  for (const n of v.seqs.values()) if (n > 1) eventDuplicates += n - 1;
  unanswered += v.pending.length + v.answering.length;
  v.ws!.close();
}
out({
  phase: 'result',
  visitors: visitors.length,
  intervalMs: INTERVAL_MS,
  durationS: Math.round(sendSeconds),
  messages: sends,
  messagesPerSec: Math.round((sends / sendSeconds) * 10) / 10,
  ackP50Ms: pct(ackMs, 50),
  ackP99Ms: pct(ackMs, 99),
  firstTokenP50Ms: pct(firstTokenMs, 50),
  firstTokenP99Ms: pct(firstTokenMs, 99),
  answered: firstTokenMs.length,
  awaitingAnswerAfter60sDrain: unanswered,
  lost,
  duplicated,
  eventDuplicates,
  errors,
  retries,
  errorIds: Object.fromEntries(errorIds),
  socketsClosed,
});
process.exit(0);
