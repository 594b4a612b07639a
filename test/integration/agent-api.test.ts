// The Agent API through the real server: a handed-off conversation is queued, claimed by one agent
// (a second gets 409), read masked, revealed for a stated reason, answered, transferred, released and
// closed; other roles are refused; every read and change is on the audit record; the widget hears
// of every change through the hub.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, ConversationView, MessageView } from '../../protocol/widget.ts';
import { handOff } from '../../server/chat/handoff.ts';
import type { ChatHub } from '../../server/chat/hub.ts';
import { createConversation, storeAttachment, storeMessage } from '../../server/privacy/conversations.ts';
import { createDataSubject } from '../../server/privacy/subjects.ts';
import { auditCount, auditEvents } from '../support/audit.ts';
import { inTx } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';

const PASSWORD = 'correct horse battery staple';
const CARD = '4111 1111 1111 1111';
const FIRST = `My card ${CARD} was blocked, my name is Maria Gonzalez`;
const XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>';

let server: TestServer;
let hub: ChatHub;
const events: ChatEvent[] = [];
const tokens = { anna: '', ben: '', admin: '', auditor: '', co: '' };
const ids = { anna: '', ben: '' };
let conversationId = '';
let aiConversationId = '';
let firstMessageId = '';
let attachmentId = '';

interface AgentConversation {
  id: string;
  site: string;
  language: string;
  status: string;
  mode: string;
  queue: string | null;
  reason: string | null;
  waitingSince: string | null;
  assignedTo: string | null;
}
type Body = {
  conversation: AgentConversation;
  conversations: AgentConversation[];
  messages: MessageView[];
  message: MessageView;
  duplicate: boolean;
  text: string;
  error: { id: string };
};

const call = (method: string, path: string, token: string, body?: unknown) =>
  api<Body>(server, method, `/api/agent${path}`, { token, ...(body === undefined ? {} : { body }) });
const conv = (path = '') => `/conversations/${conversationId}${path}`;
const staffEvents = (action: string, staffId: string) =>
  auditCount(server, `action = $1 AND actor_type = 'staff' AND actor_id = $2`, [action, staffId]);

/** A visitor's conversation with personal data in it, stored the way the visitor side stores it. */
async function seedConversation(
  language: string,
  texts: string[],
): Promise<{ conversationId: string; messageIds: string[]; attachmentId: string }> {
  return inTx(server, async (ctx) => {
    const subject = await createDataSubject(ctx, [{ kind: 'visitor', value: crypto.randomUUID() }]);
    const c = await createConversation(ctx, {
      subjectId: subject.id,
      site: 'retail',
      retentionClass: 'standard',
      language,
    });
    const messageIds = [];
    for (const text of texts)
      messageIds.push((await storeMessage(ctx, { conversationId: c.id, role: 'visitor', text })).id);
    const file = await storeAttachment(ctx, {
      conversationId: c.id,
      mime: 'image/png',
      content: Buffer.concat([Buffer.from([0x89]), Buffer.from('PNG\r\n\x1a\nfake')]),
    });
    return { conversationId: c.id, messageIds, attachmentId: file.id };
  });
}

const queueIt = (id: string, reason: 'visitor_request' | 'no_ai_consent' = 'visitor_request') =>
  inTx(server, (ctx) => handOff({ ctx, conversationId: id, reason, queue: 'retail', language: 'en', openNow: true }));

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' });
  // The visitor chat service's hub: what a widget connected to the conversation would hear.
  hub = server.chat.hub;
  const staff = [
    ['anna', 'agent', 'Anna'],
    ['ben', 'agent', 'Ben'],
    ['admin', 'admin', 'Admin'],
    ['auditor', 'auditor', 'Aud'],
    ['co', 'compliance_officer', 'Co'],
  ] as const;
  for (const [key, role, displayName] of staff) {
    const id = await seedStaff(server, { email: `${key}@bank.example`, password: PASSWORD, role, displayName });
    if (key === 'anna' || key === 'ben') ids[key] = id;
    tokens[key] = (await bearerLogin(server, `${key}@bank.example`, PASSWORD)).accessToken;
  }
  const seeded = await seedConversation('en', [FIRST, XSS]);
  conversationId = seeded.conversationId;
  firstMessageId = seeded.messageIds[0]!;
  attachmentId = seeded.attachmentId;
  hub.subscribe(conversationId, (e) => events.push(e));
  aiConversationId = (await seedConversation('de', ['Hallo'])).conversationId;
});
afterAll(async () => {
  await server?.stop();
});

describe('handOff', () => {
  it('queues an open conversation once, with a notice and an audit event', async () => {
    const first = await queueIt(conversationId);
    expect(first.changed).toBe(true);
    expect(first.conversation).toMatchObject({ status: 'handoff', mode: 'queued', queue: 'retail' });
    expect(first.notice).toMatchObject({ role: 'system', meta: { notice: 'queued' }, seq: 3 });
    const again = await queueIt(conversationId, 'no_ai_consent');
    expect(again).toMatchObject({ changed: false, notice: null });
    const [audit] = await auditEvents(server, `action = 'conversation.handoff' AND resource_id = $1`, [conversationId]);
    expect(audit?.details).toEqual({ reason: 'visitor_request', queue: 'retail' });
    expect(await auditCount(server, `action = 'conversation.handoff' AND resource_id = $1`, [conversationId])).toBe(1);
  });

  it('tells the visitor when the team is away', async () => {
    const { conversationId: id } = await seedConversation('en', ['hello']);
    const { notice } = await inTx(server, (ctx) =>
      handOff({
        ctx,
        conversationId: id,
        reason: 'policy',
        queue: 'retail',
        language: null,
        openNow: false,
        nextOpen: '2026-12-28T07:00:00.000Z',
      }),
    );
    expect(notice?.meta.notice).toBe('outside_hours');
    expect(notice?.text).toContain('2026-12-28T07:00:00.000Z');
  });
});

describe('who may use the Agent API', () => {
  it('refuses no token, auditors and compliance officers', async () => {
    expect((await call('GET', '/queue', '')).status).toBe(401);
    for (const token of [tokens.auditor, tokens.co]) {
      expect((await call('GET', '/queue', token)).status).toBe(403);
      expect((await call('GET', conv('/transcript'), token)).status).toBe(403);
      expect((await call('POST', conv('/claim'), token)).status).toBe(403);
      expect(
        (await call('POST', conv(`/messages/${firstMessageId}/reveal`), token, { reason: 'verify_identity' })).status,
      ).toBe(403);
    }
    expect(
      await auditCount(server, `action = 'access.denied' AND resource_type = 'Conversation'`),
    ).toBeGreaterThanOrEqual(6);
  });

  it('answers a bad id with 400, not a database error', async () => {
    const res = await call('POST', '/conversations/not-a-uuid/claim', tokens.anna);
    expect(res.status).toBe(400);
    expect(res.body.error.id).toBe('validation_failed');
  });
});

describe('a conversation from queue to close', () => {
  it('is listed in the queue by site, language and skill, without any text', async () => {
    const before = await staffEvents('queue.read', ids.anna);
    const res = await call('GET', '/queue?site=retail&language=en&skill=retail', tokens.anna);
    expect(res.status).toBe(200);
    const listed = res.body.conversations.find((c) => c.id === conversationId);
    expect(listed).toMatchObject({
      site: 'retail',
      language: 'en',
      status: 'handoff',
      mode: 'queued',
      queue: 'retail',
      reason: 'visitor_request',
      assignedTo: null,
    });
    expect(listed?.waitingSince).toEqual(expect.any(String));
    expect(res.body.conversations.map((c) => c.id)).not.toContain(aiConversationId);
    expect(res.text).not.toContain('4111');
    expect(res.text).not.toContain('Maria');
    expect((await call('GET', '/queue?language=de', tokens.anna)).body.conversations.map((c) => c.id)).not.toContain(
      conversationId,
    );
    expect(await staffEvents('queue.read', ids.anna)).toBe(before + 2);
  });

  it('may be read masked by any agent while unclaimed; an AI conversation by none', async () => {
    const res = await call('GET', conv('/transcript'), tokens.ben);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('4111');
    expect((await call('GET', `/conversations/${aiConversationId}/transcript`, tokens.ben)).body.error.id).toBe(
      'not_assigned',
    );
  });

  it('is claimed by one agent; a second agent gets 409', async () => {
    const claimed = await call('POST', conv('/claim'), tokens.anna);
    expect(claimed.status).toBe(200);
    expect(claimed.body.conversation).toMatchObject({ mode: 'agent', assignedTo: ids.anna });
    const second = await call('POST', conv('/claim'), tokens.ben);
    expect(second.status).toBe(409);
    expect(second.body.error.id).toBe('already_claimed');
    expect((await call('POST', conv('/claim'), tokens.anna)).status).toBe(200); // again: no change
    expect(await auditCount(server, `action = 'conversation.claim' AND resource_id = $1`, [conversationId])).toBe(1);
    const state = events.find((e): e is Extract<ChatEvent, { type: 'state' }> => e.type === 'state');
    expect(state?.conversation).toMatchObject<Partial<ConversationView>>({
      id: conversationId,
      status: 'handoff',
      mode: 'agent',
    });
    const joined = events.find((e) => e.type === 'message' && e.message.notice === 'agent_joined');
    expect(joined).toMatchObject({ message: { role: 'system', agent: { name: 'Anna' } } });
  });

  it('shows the holder a masked transcript as JSON, audited as a transcript read', async () => {
    const before = await staffEvents('transcript.read', ids.anna);
    const res = await call('GET', conv('/transcript'), tokens.anna);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    for (const secret of ['4111', 'Maria', 'Gonzalez']) expect(res.text).not.toContain(secret);
    const [first, xss] = res.body.messages;
    expect(first?.text).toContain('<CREDIT_CARD_1>');
    expect(first).toMatchObject({ id: firstMessageId, seq: 1, role: 'visitor' });
    // The API hands text over as JSON data; rendering (as text, never HTML) is the console's business.
    expect(xss?.text).toBe(XSS);
    expect(res.body.messages.map((m) => m.notice)).toEqual([null, null, 'queued', 'agent_joined']);
    expect(await staffEvents('transcript.read', ids.anna)).toBe(before + 1);
    const read = (await auditEvents(server, `action = 'transcript.read' AND actor_id = $1`, [ids.anna])).at(-1);
    expect(read).toMatchObject({ actorType: 'staff', purpose: 'customer_support', resourceId: conversationId });
  });

  it('is refused to an agent who does not hold it, on the audit record', async () => {
    const res = await call('GET', conv('/transcript'), tokens.ben);
    expect(res.status).toBe(403);
    expect(res.body.error.id).toBe('not_assigned');
    expect(
      await auditCount(server, `action = 'access.denied' AND actor_id = $1 AND resource_id = $2`, [
        ids.ben,
        conversationId,
      ]),
    ).toBe(1);
  });

  it('reveals one message only for a stated reason, to its holder, audited with the entity count', async () => {
    const path = conv(`/messages/${firstMessageId}/reveal`);
    const noReason = await call('POST', path, tokens.anna, {});
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.id).toBe('validation_failed');
    expect((await call('POST', path, tokens.anna, { reason: 'curiosity' })).status).toBe(400);
    expect((await call('POST', path, tokens.anna, { reason: 'verify_identity', note: 'x'.repeat(201) })).status).toBe(
      400,
    );
    expect((await call('POST', path, tokens.anna, { reason: 'verify_identity', note: `card ${CARD}` })).status).toBe(
      400,
    );
    expect((await call('POST', path, tokens.admin, { reason: 'verify_identity' })).status).toBe(403);
    expect((await call('POST', path, tokens.ben, { reason: 'verify_identity' })).status).toBe(403);
    expect(await auditCount(server, `action = 'pii.reveal'`)).toBe(0);

    const res = await call('POST', path, tokens.anna, {
      reason: 'verify_identity',
      note: 'caller asked to confirm card',
    });
    expect(res.status).toBe(200);
    expect(res.body.text).toBe(FIRST);
    const [audit] = await auditEvents(server, `action = 'pii.reveal'`);
    expect(audit).toMatchObject({
      actorType: 'staff',
      actorId: ids.anna,
      resourceId: firstMessageId,
      reason: 'verify_identity: caller asked to confirm card',
    });
    expect(audit?.details).toMatchObject({ messageId: firstMessageId, reason: 'verify_identity' });
    expect(audit?.details.entityCount).toBeGreaterThanOrEqual(2);
  });

  it('stores the holder’s reply once per clientId and sends it to the widget', async () => {
    const clientId = crypto.randomUUID();
    const sent = await call('POST', conv('/messages'), tokens.anna, {
      clientId,
      text: 'Hello Maria, I am looking into it.',
    });
    expect(sent.status).toBe(201);
    expect(sent.body.message).toMatchObject({ role: 'agent', agent: { name: 'Anna' }, clientId });
    const again = await call('POST', conv('/messages'), tokens.anna, {
      clientId,
      text: 'Hello Maria, I am looking into it.',
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ duplicate: true, message: { id: sent.body.message.id } });
    expect(
      (await call('POST', conv('/messages'), tokens.ben, { clientId: crypto.randomUUID(), text: 'hi' })).status,
    ).toBe(403);
    expect((await call('POST', conv('/messages'), tokens.anna, { clientId: 'nope', text: 'hi' })).status).toBe(400);
    const replies = (await call('GET', conv('/transcript'), tokens.anna)).body.messages.filter(
      (m) => m.role === 'agent',
    );
    expect(replies).toHaveLength(1);
    expect(events.filter((e) => e.type === 'message' && e.message.role === 'agent')).toHaveLength(1);
  });

  it('serves an attachment to the holder only, audited', async () => {
    const res = await fetch(`${server.url}/api/agent/attachments/${attachmentId}`, {
      headers: { Authorization: `Bearer ${tokens.anna}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await res.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    expect((await call('GET', `/attachments/${attachmentId}`, tokens.ben)).status).toBe(403);
    expect(
      await auditCount(server, `action = 'attachment.read' AND actor_id = $1 AND resource_id = $2`, [
        ids.anna,
        attachmentId,
      ]),
    ).toBe(1);
  });

  it('is transferred to another agent, then to a queue', async () => {
    expect((await call('POST', conv('/transfer'), tokens.anna, { queue: 'retail', agentId: ids.ben })).status).toBe(
      400,
    );
    expect((await call('POST', conv('/transfer'), tokens.anna, { agentId: crypto.randomUUID() })).body.error.id).toBe(
      'unknown_agent',
    );
    const toBen = await call('POST', conv('/transfer'), tokens.anna, { agentId: ids.ben });
    expect(toBen.body.conversation).toMatchObject({ mode: 'agent', assignedTo: ids.ben });
    expect(
      (await call('POST', conv('/messages'), tokens.anna, { clientId: crypto.randomUUID(), text: 'still me' })).status,
    ).toBe(403);
    const toQueue = await call('POST', conv('/transfer'), tokens.ben, { queue: 'retail-de' });
    expect(toQueue.body.conversation).toMatchObject({ mode: 'queued', assignedTo: null, queue: 'retail-de' });
    expect(await auditCount(server, `action = 'conversation.transfer' AND resource_id = $1`, [conversationId])).toBe(2);
  });

  it('is released to the AI by its holder; then no agent reads it', async () => {
    expect((await call('POST', conv('/release'), tokens.anna)).body.error.id).toBe('not_assigned');
    expect((await call('POST', conv('/claim'), tokens.anna)).status).toBe(200);
    const res = await call('POST', conv('/release'), tokens.anna);
    expect(res.body.conversation).toMatchObject({ status: 'open', mode: 'ai', assignedTo: null });
    expect((await call('GET', conv('/transcript'), tokens.anna)).status).toBe(403);
    expect(events.slice(-2)).toMatchObject([
      { type: 'message', message: { notice: 'released' } },
      { type: 'state', conversation: { status: 'open', mode: 'ai' } },
    ]);
  });

  it('is closed by its holder, who may still read it; nobody claims it again', async () => {
    await queueIt(conversationId);
    expect((await call('POST', conv('/claim'), tokens.anna)).status).toBe(200);
    const res = await call('POST', conv('/close'), tokens.anna);
    expect(res.body.conversation).toMatchObject({ status: 'closed', mode: 'closed' });
    const [row] = (await server.deps.db.dataSource.query(`SELECT closed_at FROM conversations WHERE id = $1`, [
      conversationId,
    ])) as { closed_at: Date | null }[];
    expect(row?.closed_at).not.toBeNull();
    const transcript = await call('GET', conv('/transcript'), tokens.anna);
    expect(transcript.body.messages.at(-1)?.notice).toBe('closed');
    expect((await call('POST', conv('/claim'), tokens.ben)).body.error.id).toBe('conversation_closed');
    expect(
      (await call('POST', conv('/messages'), tokens.anna, { clientId: crypto.randomUUID(), text: 'late' })).body.error
        .id,
    ).toBe('conversation_closed');
    expect(events.slice(-2)).toMatchObject([
      { type: 'message', message: { notice: 'closed' } },
      { type: 'state', conversation: { status: 'closed', mode: 'closed' } },
    ]);
    for (const action of ['conversation.claim', 'conversation.release', 'conversation.close']) {
      expect(
        await auditCount(server, `action = $1 AND resource_id = $2`, [action, conversationId]),
      ).toBeGreaterThanOrEqual(1);
    }
  });
});
