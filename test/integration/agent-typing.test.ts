// Typing indicators through the real server: the visitor's signal reaches the agents' consoles only
// while the conversation waits for or is with a person, the agent's reaches the widget only from
// the agent holding it; each is throttled per conversation, carries no text and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../protocol/widget.ts';
import { type StaffChange, subscribeStaffEvents } from '../../server/staff/live.ts';
import { typingThrottle } from '../../server/chat/typing.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { LOCAL_ONLY, readyVisitor, visitorApi } from '../support/widget.ts';

const PASSWORD = 'correct horse battery staple';

describe('typing indicators', () => {
  let server: TestServer;
  const tokens = { anna: '', ben: '' };
  const seen: StaffChange[] = [];
  let off: () => void;

  beforeAll(async () => {
    server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
    for (const name of ['anna', 'ben'] as const) {
      await seedStaff(server, { email: `${name}@bank.example`, password: PASSWORD, role: 'agent', displayName: name });
      tokens[name] = (await bearerLogin(server, `${name}@bank.example`, PASSWORD)).accessToken;
    }
    off = subscribeStaffEvents(server.deps, (e) => seen.push(e));
  });
  afterAll(async () => {
    off?.();
    await server?.stop();
  });

  const typingOf = (id: string) => seen.filter((e) => e.type === 'conversation.typing' && e.id === id);
  const messageCount = async () =>
    Number(
      ((await server.deps.db.dataSource.query(`SELECT count(*)::int AS n FROM messages`)) as { n: number }[])[0]!.n,
    );

  it('tells agents that a waiting visitor types, once per throttle window, and never while the AI answers', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    const id = v.conversation.id;
    expect((await visitorApi(v, 'POST', '/typing')).status).toBe(204);
    expect(typingOf(id)).toEqual([]);

    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    const stored = await messageCount();
    for (let i = 0; i < 3; i++) expect((await visitorApi(v, 'POST', '/typing')).status).toBe(204);
    expect(typingOf(id)).toEqual([{ type: 'conversation.typing', id }]);
    expect(await messageCount()).toBe(stored);
  });

  it('refuses a typing signal without a visitor token', async () => {
    const res = await api<{ error: { id: string } }>(server, 'POST', '/api/widget/typing');
    expect(res.status).toBe(401);
    expect(res.body.error.id).toBe('invalid_visitor_token');
  });

  it('tells the widget the holding agent types; anyone else is refused', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    const id = v.conversation.id;
    const heard: ChatEvent[] = [];
    const unsubscribe = server.chat.hub.subscribe(id, (e) => heard.push(e));
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    const typing = (token: string, conversation = id) =>
      api<{ error: { id: string } }>(server, 'POST', `/api/agent/conversations/${conversation}/typing`, { token });

    expect((await typing(tokens.anna)).body.error.id).toBe('not_assigned'); // not claimed yet
    expect((await api(server, 'POST', `/api/agent/conversations/${id}/claim`, { token: tokens.anna })).status).toBe(
      200,
    );
    heard.length = 0;
    expect((await typing(tokens.anna)).status).toBe(204);
    expect((await typing(tokens.anna)).status).toBe(204); // within the window: accepted, not repeated
    expect(heard).toEqual([{ type: 'typing', by: 'agent' }]);

    const other = await typing(tokens.ben);
    expect(other.status).toBe(403);
    expect(other.body.error.id).toBe('not_assigned');
    expect((await typing(tokens.anna, 'not-an-id')).body.error.id).toBe('validation_failed');
    expect((await typing(tokens.anna, crypto.randomUUID())).status).toBe(404);
    expect(heard).toHaveLength(1);
    unsubscribe();
  });

  it('throttles per key and keeps its memory bounded', () => {
    let now = 0;
    const allowed = typingThrottle(2000, () => now);
    expect([allowed('a'), allowed('a'), allowed('b')]).toEqual([true, false, true]);
    now = 1999;
    expect(allowed('a')).toBe(false);
    now = 2000;
    expect(allowed('a')).toBe(true);
  });
});
