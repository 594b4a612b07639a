// The agent's workload through the real server (PGlite, or PostgreSQL with TEST_DATABASE_URL):
// presence as the agent sets it, the agents a conversation may go to with their load, transfer to
// one of them by name, the agent's own conversations with unread counts that the transcript read
// clears, the queue filtered by site and language, and the sites for the filters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentsAnswer, MineAnswer, PresenceAnswer, QueueAnswer, SitesAnswer } from '../../protocol/agent.ts';
import { type StaffChange, subscribeStaffEvents } from '../../server/staff/live.ts';
import { auditEvents } from '../support/audit.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { LOCAL_ONLY, readyVisitor, sendMessage, type Visitor, visitorApi } from '../support/widget.ts';

const PASSWORD = 'correct horse battery staple';

describe('agent workload', () => {
  let server: TestServer;
  const tokens = { anna: '', ben: '', dora: '', auditor: '' };
  const ids = { anna: '', ben: '', dora: '' };
  const seen: StaffChange[] = [];
  let off: () => void;

  beforeAll(async () => {
    server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
    for (const [name, role, displayName] of [
      ['anna', 'agent', 'Anna'],
      ['ben', 'agent', 'Ben'],
      ['dora', 'agent', 'Dora'],
      ['auditor', 'auditor', 'Aud'],
    ] as const) {
      const id = await seedStaff(server, { email: `${name}@bank.example`, password: PASSWORD, role, displayName });
      if (name !== 'auditor') ids[name] = id;
      tokens[name] = (await bearerLogin(server, `${name}@bank.example`, PASSWORD)).accessToken;
    }
    off = subscribeStaffEvents(server.deps, (e) => seen.push(e));
  });
  afterAll(async () => {
    off?.();
    await server?.stop();
  });

  const call = <T>(method: string, path: string, token: string, body?: unknown) =>
    api<T & { error: { id: string } }>(server, method, `/api/agent${path}`, {
      token,
      ...(body === undefined ? {} : { body }),
    });
  const waiting = async (language = 'en'): Promise<Visitor> => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY, language });
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    return v;
  };

  it('sets presence (audited, told on the staff channel) and lists agents available first with their load', async () => {
    const before = AgentsAnswer.parse((await call('GET', '/agents', tokens.anna)).body).agents;
    expect(before.map((a) => [a.name, a.presence])).toEqual([
      ['Anna', 'away'],
      ['Ben', 'away'],
      ['Dora', 'away'],
    ]);
    const set = await call('PUT', '/presence', tokens.ben, { status: 'available' });
    expect(PresenceAnswer.parse(set.body)).toEqual({ presence: 'available' });
    expect(seen).toContainEqual({ type: 'agent.changed', id: ids.ben });
    const [event] = await auditEvents(server, `action = 'agent.presence' AND actor_id = $1`, [ids.ben]);
    expect(event).toMatchObject({ resourceType: 'StaffUser', resourceId: ids.ben, details: { status: 'available' } });
    const after = AgentsAnswer.parse((await call('GET', '/agents', tokens.anna)).body).agents;
    expect(after.map((a) => [a.name, a.presence, a.active])).toEqual([
      ['Ben', 'available', 0],
      ['Anna', 'away', 0],
      ['Dora', 'away', 0],
    ]);

    const bad = await call('PUT', '/presence', tokens.ben, { status: 'asleep' });
    expect([bad.status, bad.body.error.id]).toEqual([400, 'validation_failed']);
    expect((await call('PUT', '/presence', tokens.auditor, { status: 'away' })).status).toBe(403);
    expect((await call('GET', '/agents', tokens.auditor)).status).toBe(403);
  });

  it('transfers to a named agent, who holds it and sees it among their own with its unread messages', async () => {
    const v = await waiting();
    const id = v.conversation.id;
    expect((await call('POST', `/conversations/${id}/claim`, tokens.anna)).status).toBe(200);
    expect(MineAnswer.parse((await call('GET', '/mine', tokens.anna)).body).conversations.map((c) => c.id)).toEqual([
      id,
    ]);
    expect((await sendMessage(v, 'Are you there?')).status).toBe(201);
    expect((await sendMessage(v, 'Hello?')).status).toBe(201);
    const mine = MineAnswer.parse((await call('GET', '/mine', tokens.anna)).body).conversations;
    expect(mine).toEqual([expect.objectContaining({ id, unread: 2 })]);
    expect((await call('GET', `/conversations/${id}/transcript`, tokens.anna)).status).toBe(200);
    expect(MineAnswer.parse((await call('GET', '/mine', tokens.anna)).body).conversations).toEqual([
      expect.objectContaining({ id, unread: 0 }),
    ]);
    expect(
      AgentsAnswer.parse((await call('GET', '/agents', tokens.ben)).body).agents.find((a) => a.id === ids.anna)?.active,
    ).toBe(1);

    const moved = await call<{ conversation: { assignedTo: string; mode: string } }>(
      'POST',
      `/conversations/${id}/transfer`,
      tokens.anna,
      { agentId: ids.dora },
    );
    expect(moved.status).toBe(200);
    expect(moved.body.conversation).toMatchObject({ assignedTo: ids.dora, mode: 'agent' });
    expect(MineAnswer.parse((await call('GET', '/mine', tokens.anna)).body).conversations).toEqual([]);
    // Dora has read none of it yet: both visitor messages are unread to her.
    expect(MineAnswer.parse((await call('GET', '/mine', tokens.dora)).body).conversations).toEqual([
      expect.objectContaining({ id, unread: 2 }),
    ]);
    expect(
      (
        await call('POST', `/conversations/${id}/messages`, tokens.anna, {
          clientId: crypto.randomUUID(),
          text: 'still me',
        })
      ).body.error.id,
    ).toBe('not_assigned');
    expect(
      (
        await call('POST', `/conversations/${id}/messages`, tokens.dora, {
          clientId: crypto.randomUUID(),
          text: 'Dora here',
        })
      ).status,
    ).toBe(201);
    const unknown = await call('POST', `/conversations/${id}/transfer`, tokens.dora, { agentId: crypto.randomUUID() });
    expect([unknown.status, unknown.body.error.id]).toEqual([404, 'unknown_agent']);
  });

  it('filters the queue by site and language and lists the sites with their languages', async () => {
    const de = await waiting('de');
    const en = await waiting('en');
    const queue = async (query: string) =>
      QueueAnswer.parse((await call('GET', `/queue${query}`, tokens.ben)).body).conversations.map((c) => c.id);
    const german = await queue('?site=retail&language=de');
    expect(german).toContain(de.conversation.id);
    expect(german).not.toContain(en.conversation.id);
    expect(await queue('?site=business')).toEqual([]);
    const sites = SitesAnswer.parse((await call('GET', '/sites', tokens.ben)).body).sites;
    expect(sites.find((s) => s.id === 'retail')?.languages).toEqual(expect.arrayContaining(['en', 'de']));
  });
});
