// What the staff channel tells agents' consoles about conversations: that a conversation entered or
// left the people's queue (a handoff, a claim, a release, a visitor closing while waiting) and that a
// message was stored in a conversation waiting for or with a person. A conversation the AI is
// answering is never named to agents. Frames carry ids only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StaffChange, subscribeStaffEvents } from '../../server/staff/live.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { LOCAL_ONLY, readyVisitor, repliesSettled, sendMessage, visitorApi } from '../support/widget.ts';

const PASSWORD = 'correct horse battery staple';

describe('staff channel: the agents\u2019 queue and conversations', () => {
  let server: TestServer;
  let token: string;
  const seen: StaffChange[] = [];
  let off: () => void;

  beforeAll(async () => {
    server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
    await seedStaff(server, {
      email: 'live-agent@bank.example',
      password: PASSWORD,
      role: 'agent',
      displayName: 'Lia',
    });
    token = (await bearerLogin(server, 'live-agent@bank.example', PASSWORD)).accessToken;
    off = subscribeStaffEvents(server.deps, (e) => seen.push(e));
  });
  afterAll(async () => {
    off?.();
    await server?.stop();
  });

  const about = (id: string) => seen.filter((e) => e.id === id).map((e) => e.type);

  it('names no conversation the AI is answering, then each queue change and each message once it waits for a person', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    const id = v.conversation.id;
    // The AI answers it: nothing is said to agents.
    expect((await sendMessage(v, 'How do I order a new card?')).status).toBe(201);
    await repliesSettled(server);
    const state = (await visitorApi<{ conversation: { status: string } }>(v, 'GET', '/conversation')).body.conversation
      .status;
    expect(state).toBe('open');
    expect(about(id)).toEqual([]);

    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    expect(about(id)).toEqual(['queue.changed']);
    seen.length = 0;
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200); // already waiting: nothing changed
    expect(about(id)).toEqual([]);

    expect((await sendMessage(v, 'Still there?')).status).toBe(201);
    expect(about(id)).toEqual(['conversation.changed']);
    seen.length = 0;

    expect((await api(server, 'POST', `/api/agent/conversations/${id}/claim`, { token })).status).toBe(200);
    expect(about(id)).toEqual(['queue.changed', 'conversation.changed']);
    seen.length = 0;
    expect(
      (
        await api(server, 'POST', `/api/agent/conversations/${id}/messages`, {
          token,
          body: { clientId: crypto.randomUUID(), text: 'Hello, Lia here.' },
        })
      ).status,
    ).toBe(201);
    expect(about(id)).toEqual(['conversation.changed']);
    seen.length = 0;

    expect((await visitorApi(v, 'POST', '/close')).status).toBe(200);
    expect(about(id)).toEqual(['queue.changed']);
    expect(seen.every((e) => Object.keys(e).sort().join() === 'id,type')).toBe(true);
  });
});
