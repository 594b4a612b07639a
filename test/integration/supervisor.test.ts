// The supervisor's board through the real server: conversations made the way visitors and agents
// make them (widget API, Agent API), on a clock the test moves, so every figure is known exactly:
// queue lengths and waits, agents' presence and load, active chats, and the period's AI resolution,
// handoff reasons, first-response and handle times, ratings and "I don't know" answers, as JSON and
// CSV. Other roles are refused; a supervisor gets no transcript.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MessageView } from '../../protocol/widget.ts';
import { LiveBoard, PeriodStats } from '../../protocol/supervisor.ts';
import { auditCount } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import {
  LOCAL_ONLY,
  NONE_GRANTED,
  readyVisitor,
  repliesSettled,
  sendMessage,
  type Visitor,
  visitorApi,
} from '../support/widget.ts';

const PASSWORD = 'correct horse battery staple';
const T0 = Math.floor(Date.now() / 1000) * 1000;
let clock = T0;
/** Sets the server's clock to T0 + `s` seconds. Audit events keep the wall clock, which stays behind it. */
const at = (s: number) => void (clock = T0 + s * 1000);
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

let server: TestServer;
const tokens = { sue: '', anna: '', ben: '', carl: '', admin: '' };
const ids = { anna: '', ben: '', carl: '' };
let presence: WebSocket | undefined;

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' }, { now: () => new Date(clock) });
  const staff = [
    ['sue', 'supervisor', 'Sue'],
    ['anna', 'agent', 'Anna'],
    ['ben', 'agent', 'Ben'],
    ['carl', 'agent', 'Carl'],
    ['admin', 'admin', 'Ada'],
  ] as const;
  for (const [key, role, displayName] of staff) {
    const id = await seedStaff(server, { email: `${key}@bank.example`, password: PASSWORD, role, displayName });
    if (key === 'anna' || key === 'ben' || key === 'carl') ids[key] = id;
    tokens[key] = (await bearerLogin(server, `${key}@bank.example`, PASSWORD)).accessToken;
  }
});
afterAll(async () => {
  presence?.close();
  await server?.stop();
});

const agentCall = (token: string, id: string, action: string, body?: unknown) =>
  api(server, 'POST', `/api/agent/conversations/${id}/${action}`, { token, ...(body === undefined ? {} : { body }) });
const agentSays = (token: string, id: string, text: string) =>
  agentCall(token, id, 'messages', { clientId: crypto.randomUUID(), text });
const state = async (v: Visitor) =>
  (await visitorApi<{ conversation: { status: string; mode: string } }>(v, 'GET', '/conversation')).body.conversation;
async function expectOk(res: Promise<{ status: number; text: string }>, status = 200) {
  const r = await res;
  expect(r.status, r.text).toBe(status);
}
/** The visitor's message, and the assistant's answer to it settled. */
async function ask(v: Visitor, text: string) {
  await expectOk(sendMessage(v, text), 201);
  await repliesSettled(server);
}

describe('the supervisor role', () => {
  it('can be given to an account, and grants the board but no conversation', async () => {
    const created = await api<{ user: { role: string } }>(server, 'POST', '/api/users', {
      token: tokens.admin,
      body: { email: 'sam@bank.example', displayName: 'Sam', role: 'supervisor', password: PASSWORD },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.body.user.role).toBe('supervisor');
    const me = await api<{ capabilities: string[] }>(server, 'GET', '/api/auth/me', { token: tokens.sue });
    expect(me.body.capabilities).toEqual(['read:OwnAccount', 'read:TeamStats']);
    expect((await api(server, 'GET', '/api/agent/queue', { token: tokens.sue })).status).toBe(403);
  });

  it('refuses agents and the unsigned', async () => {
    for (const path of ['/api/supervisor/live', '/api/supervisor/stats', '/api/supervisor/stats.csv']) {
      expect((await api(server, 'GET', path, { token: tokens.carl })).status).toBe(403);
      expect((await api(server, 'GET', path)).status).toBe(401);
    }
    expect(
      await auditCount(server, `action = 'access.denied' AND actor_id = $1 AND resource_type = 'TeamStats'`, [
        ids.carl,
      ]),
    ).toBe(3);
  });
});

describe('the board', () => {
  beforeAll(async () => {
    // A: the assistant answers ("I don't know": the knowledge base is empty), the visitor closes and rates 5.
    at(0);
    const a = await readyVisitor(server, { decisions: LOCAL_ONLY });
    at(10);
    await ask(a, 'What is the zorblax fee?');
    at(20);
    await expectOk(visitorApi(a, 'POST', '/close'));
    at(30);
    await expectOk(visitorApi(a, 'POST', '/rating', { body: { score: 5 } }));
    // B, C, D: the visitor asks for a person; claimed, answered after 20, 40 and 90 s, closed.
    const human = async (
      start: number,
      agent: 'anna' | 'ben',
      claimAfter: number,
      answerAfter: number,
      closeAt: number,
      closedBy: 'agent' | 'visitor',
      rating?: number,
    ) => {
      at(start);
      const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
      at(start + 10);
      await expectOk(visitorApi(v, 'POST', '/handoff', { body: {} }));
      at(start + 10 + claimAfter);
      await expectOk(agentCall(tokens[agent], v.conversation.id, 'claim'));
      at(start + 10 + answerAfter);
      await expectOk(agentSays(tokens[agent], v.conversation.id, 'Hello, how can I help?'), 201);
      at(closeAt);
      await expectOk(
        closedBy === 'agent' ? agentCall(tokens[agent], v.conversation.id, 'close') : visitorApi(v, 'POST', '/close'),
      );
      if (rating) {
        at(closeAt + 10);
        await expectOk(visitorApi(v, 'POST', '/rating', { body: { score: rating } }));
      }
    };
    await human(100, 'anna', 5, 20, 300, 'agent', 4); // handle: 300 − 115 = 185
    await human(400, 'ben', 10, 40, 1000, 'visitor', 2); // 1000 − 420 = 580
    await human(1100, 'anna', 5, 90, 1500, 'agent'); // 1500 − 1115 = 385
    // E: no consent to the AI: straight to the queue; the visitor leaves before anyone comes.
    at(1600);
    const e = await readyVisitor(server, { decisions: NONE_GRANTED });
    at(1610);
    await ask(e, 'Hello?');
    expect(await state(e)).toMatchObject({ status: 'handoff' });
    at(1700);
    await expectOk(visitorApi(e, 'POST', '/close'));
    // F: two answers marked not helpful: to the queue, waiting since 1830.
    at(1800);
    const f = await readyVisitor(server, { decisions: LOCAL_ONLY });
    at(1810);
    await ask(f, 'What is the zorblax fee?');
    at(1820);
    await ask(f, 'And the blorf limit?');
    at(1830);
    const answers = (await visitorApi<{ messages: MessageView[] }>(f, 'GET', '/conversation')).body.messages.filter(
      (m) => m.role === 'assistant',
    );
    expect(answers).toHaveLength(2);
    for (const m of answers)
      await expectOk(visitorApi(f, 'POST', `/messages/${m.id}/feedback`, { body: { helpful: false } }));
    expect(await state(f)).toMatchObject({ status: 'handoff', mode: 'queued' });
    // G (claimed by Ben) and I (waiting since 2010): in German, without AI consent.
    for (const [start, claim] of [
      [1900, true],
      [2000, false],
    ] as const) {
      at(start);
      const v = await readyVisitor(server, { language: 'de', decisions: NONE_GRANTED });
      at(start + 10);
      await ask(v, 'Hallo?');
      if (claim) await expectOk(agentCall(tokens.ben, v.conversation.id, 'claim'));
    }
    // J: with the assistant now; K: opened at 0 and never written in (not an active chat).
    at(0);
    await readyVisitor(server, { decisions: LOCAL_ONLY });
    at(2050);
    await ask(await readyVisitor(server, { decisions: LOCAL_ONLY }), 'Where is the zorblax office?');
    at(2100);
    // Anna's console is open (the staff channel), Ben's and Carl's are not.
    presence = new WebSocket(server.url.replace('http', 'ws') + '/api/staff/live', {
      headers: { Origin: server.url, Cookie: `palisade_at=${tokens.anna}` },
    });
    await new Promise((resolve, reject) => (presence!.once('message', resolve), presence!.once('error', reject)));
    const present = async () =>
      ((await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM staff_presence`)) as { n: number }[])[0]!
        .n;
    for (let i = 0; i < 100 && (await present()) < 1; i++) await new Promise((r) => setTimeout(r, 50));
  }, 120_000);

  it('shows the queue per site and language, the agents\u2019 load and the active chats', async () => {
    const res = await api(server, 'GET', '/api/supervisor/live', { token: tokens.sue });
    expect(res.status, res.text).toBe(200);
    expect(LiveBoard.parse(res.body)).toEqual({
      asOf: iso(2100),
      queue: [
        { site: 'retail', language: 'de', waiting: 1, longestWaitSeconds: 90 },
        { site: 'retail', language: 'en', waiting: 1, longestWaitSeconds: 270 },
      ],
      agents: [
        { id: ids.anna, displayName: 'Anna', online: true, active: 0 },
        { id: ids.ben, displayName: 'Ben', online: false, active: 1 },
        { id: ids.carl, displayName: 'Carl', online: false, active: 0 },
      ],
      chats: { ai: 1, queued: 2, withAgent: 1 },
    });
    expect((await api(server, 'GET', '/api/supervisor/live', { token: tokens.admin })).status).toBe(200);
  });

  it('counts the default period (the last 7 days) exactly', async () => {
    const res = await api(server, 'GET', '/api/supervisor/stats', { token: tokens.sue });
    expect(res.status, res.text).toBe(200);
    expect(PeriodStats.parse(res.body)).toEqual({
      from: new Date(T0 + 2100_000 - 7 * 86_400_000).toISOString(),
      to: iso(2100),
      closed: 5,
      aiResolved: 1,
      aiResolutionRate: 0.2,
      handoffs: [
        { reason: 'visitor_request', count: 3 },
        { reason: 'no_ai_consent', count: 3 },
        { reason: 'model_failed', count: 0 },
        { reason: 'policy', count: 0 },
        { reason: 'not_helpful', count: 1 },
      ],
      // 20, 40, 90 s: p90 = 40 + 0.8 × 50; handle 185, 385, 580 s: p90 = 385 + 0.8 × 195
      firstResponse: { count: 3, p50Seconds: 40, p90Seconds: 80 },
      handleTime: { count: 3, p50Seconds: 385, p90Seconds: 541 },
      satisfaction: {
        count: 3,
        average: 3.67,
        distribution: [
          { score: 1, count: 0 },
          { score: 2, count: 1 },
          { score: 3, count: 0 },
          { score: 4, count: 1 },
          { score: 5, count: 1 },
        ],
      },
      unanswered: 4,
    });
  });

  it('counts a chosen period: conversations by when they closed, ratings by when given', async () => {
    const res = await api<PeriodStats>(
      server,
      'GET',
      `/api/supervisor/stats?from=${encodeURIComponent(iso(0))}&to=${encodeURIComponent(iso(400))}`,
      { token: tokens.sue },
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      from: iso(0),
      to: iso(400),
      closed: 2,
      aiResolved: 1,
      aiResolutionRate: 0.5,
      firstResponse: { count: 1, p50Seconds: 20, p90Seconds: 20 },
      handleTime: { count: 1, p50Seconds: 185, p90Seconds: 185 },
      satisfaction: { count: 2, average: 4.5 },
      unanswered: 1,
    });
    const before = await api<PeriodStats>(server, 'GET', `/api/supervisor/stats?from=2020-01-01&to=2020-01-08`, {
      token: tokens.sue,
    });
    expect(before.body).toMatchObject({
      closed: 0,
      aiResolved: 0,
      aiResolutionRate: null,
      firstResponse: { count: 0, p50Seconds: null },
      satisfaction: { count: 0, average: null },
      unanswered: 0,
    });
    expect(before.body.handoffs.every((h) => h.count === 0)).toBe(true);
  });

  it('refuses a period that ends before it starts, or is not a time', async () => {
    for (const q of [
      'from=2026-02-01&to=2026-01-01',
      'from=yesterday',
      'to=2026-13-45',
      'from=2020-01-01&to=2022-01-01',
      'extra=1',
    ]) {
      const res = await api<{ error: { id: string } }>(server, 'GET', `/api/supervisor/stats?${q}`, {
        token: tokens.sue,
      });
      expect(res.status, q).toBe(400);
      expect(res.body.error.id).toBe('validation_failed');
    }
  });

  it('exports the same figures as CSV, on the record', async () => {
    const res = await api(server, 'GET', '/api/supervisor/stats.csv', { token: tokens.sue });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="palisade-team-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.text.split('\r\n')).toEqual([
      'metric,key,value',
      `period_from,,${new Date(T0 + 2100_000 - 7 * 86_400_000).toISOString()}`,
      `period_to,,${iso(2100)}`,
      'closed,,5',
      'ai_resolved,,1',
      'ai_resolution_rate,,0.2',
      'handoffs,visitor_request,3',
      'handoffs,no_ai_consent,3',
      'handoffs,model_failed,0',
      'handoffs,policy,0',
      'handoffs,not_helpful,1',
      'first_response_count,,3',
      'first_response_p50_seconds,,40',
      'first_response_p90_seconds,,80',
      'handle_time_count,,3',
      'handle_time_p50_seconds,,385',
      'handle_time_p90_seconds,,541',
      'rating_count,,3',
      'rating_average,,3.67',
      'ratings,1,0',
      'ratings,2,1',
      'ratings,3,0',
      'ratings,4,1',
      'ratings,5,1',
      'unanswered,,4',
      '',
    ]);
    expect(await auditCount(server, `action = 'team_stats.export' AND outcome = 'success'`)).toBe(1);
  });

  it('names no message text nor visitor in any answer', async () => {
    const bodies = await Promise.all(
      ['/api/supervisor/live', '/api/supervisor/stats', '/api/supervisor/stats.csv'].map((p) =>
        api(server, 'GET', p, { token: tokens.sue }),
      ),
    );
    for (const b of bodies)
      for (const word of ['zorblax', 'blorf', 'Hallo', 'Hello', 'subject']) expect(b.text).not.toContain(word);
  });
});

// After the board's figures: this conversation would change them.
describe('the staff channel', () => {
  it('tells a supervisor of queue changes, and of nothing else', async () => {
    const ws = new WebSocket(server.url.replace('http', 'ws') + '/api/staff/live', {
      headers: { Origin: server.url, Cookie: `palisade_at=${tokens.sue}` },
    });
    const frames: unknown[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(String(d))));
    await new Promise((resolve, reject) => (ws.once('message', resolve), ws.once('error', reject)));
    expect(frames[0]).toEqual({ type: 'ready', topics: ['queue'] });
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    await expectOk(visitorApi(v, 'POST', '/handoff', { body: {} }));
    await expectOk(sendMessage(v, 'Anyone there?'), 201); // a conversation.changed the supervisor does not get
    await expectOk(visitorApi(v, 'POST', '/close'));
    for (let i = 0; i < 100 && frames.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    ws.close();
    expect(frames.slice(1)).toEqual([
      { type: 'queue.changed', id: v.conversation.id },
      { type: 'queue.changed', id: v.conversation.id },
    ]);
  });

  it('shows an agent offline once their console closes', async () => {
    presence!.close();
    const online = async () =>
      LiveBoard.parse((await api(server, 'GET', '/api/supervisor/live', { token: tokens.sue })).body).agents.find(
        (a) => a.id === ids.anna,
      )!.online;
    for (let i = 0; i < 100 && (await online()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await online()).toBe(false);
  });
});
