// The visitor chat's core path, the way the widget uses it: a session, the consent screen, a
// message acknowledged at once, and the AI's answer streamed over the WebSocket with its sources
// (the extractive provider answers from the demo knowledge base). Retries never double a message.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent, MessageView } from '../../protocol/widget.ts';
import { api, startTestServer, type TestServer } from '../support/server.ts';
import {
  ALL_GRANTED,
  answerConsent,
  connectSocket,
  isMessage,
  openVisitor,
  readyVisitor,
  repliesSettled,
  sendMessage,
  visitorApi,
} from '../support/widget.ts';

let server: TestServer;
const QUESTION = 'How do I order a replacement card?';

beforeAll(async () => {
  server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0' }, { seedDemoKnowledge: true });
});
afterAll(async () => {
  await server?.stop();
});

const isAssistant = isMessage((m) => m.role === 'assistant');

describe('config and session', () => {
  it('answers the site and the consent text with its hash', async () => {
    const res = await api<{
      site: { id: string; limits: { messageChars: number } };
      consent: { version: string; hash: string; language: string; purposes: { id: string }[] };
      officeHours: { open: boolean };
    }>(server, 'GET', '/api/widget/config?site=retail&lang=de');
    expect(res.status).toBe(200);
    expect(res.body.site).toMatchObject({ id: 'retail', limits: { messageChars: 2000 } });
    expect(res.body.consent.language).toBe('de');
    expect(res.body.consent.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.body.consent.purposes.map((p) => p.id)).toEqual([
      'ai_local',
      'ai_cloud',
      'transcript_keep',
      'voice_input',
    ]);
    expect(typeof res.body.officeHours.open).toBe('boolean');
  });

  it('refuses an unknown site', async () => {
    const res = await api(server, 'POST', '/api/widget/sessions', { body: { site: 'nope', language: 'en' } });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { id: 'unknown_site' } });
  });

  it('asks for consent before the first message', async () => {
    const v = await openVisitor(server);
    const res = await sendMessage(v, 'hello');
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { id: 'consent_required' } });
  });

  it('refuses a consent answer for an outdated text', async () => {
    const v = await openVisitor(server);
    const res = await visitorApi(v, 'PUT', '/consents', {
      body: { version: '2020-01-01', hash: 'a'.repeat(64), language: 'en', decisions: ALL_GRANTED },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { id: 'consent_text_outdated' } });
    const consents = await visitorApi<{ consents: Record<string, unknown> }>(v, 'GET', '/consents');
    expect(consents.body.consents).toMatchObject({ ai_local: false, version: null });
  });
});

describe('one message', () => {
  it('is acknowledged, then answered over the WebSocket with sources', async () => {
    const v = await readyVisitor(server);
    const socket = connectSocket(v);
    const ready = await socket.ready;
    expect(ready.conversation).toMatchObject({ id: v.conversation.id, status: 'open', mode: 'ai' });
    const clientId = randomUUID();
    const ack = await socket.sendMessage(QUESTION, clientId);
    expect(ack).toMatchObject({
      type: 'ack',
      clientId,
      duplicate: false,
      message: { role: 'visitor', text: QUESTION, seq: 1, clientId },
    });

    const answer = (await socket.waitFor(isAssistant)) as Extract<ChatEvent, { type: 'message' }>;
    expect(answer.message.seq).toBe(2);
    expect(answer.message.sources.length).toBeGreaterThan(0);
    expect(answer.message.text.length).toBeGreaterThan(0);
    const types = socket.events.map((e) => e.type);
    const start = socket.events.find((e) => e.type === 'reply_start') as Extract<ChatEvent, { type: 'reply_start' }>;
    expect(start.replyId).toBe(answer.message.id);
    expect(types.indexOf('reply_start')).toBeLessThan(types.indexOf('delta'));
    expect(types.lastIndexOf('reply_end')).toBeLessThan(types.lastIndexOf('message'));
    const streamed = socket.events
      .flatMap((e) => (e.type === 'delta' && e.replyId === start.replyId ? [e.text] : []))
      .join('');
    expect(streamed).toBe(answer.message.text);
    socket.close();

    const state = await visitorApi<{ messages: MessageView[]; lastSeq: number }>(v, 'GET', '/conversation');
    expect(state.body.messages.map((m) => [m.seq, m.role])).toEqual([
      [1, 'visitor'],
      [2, 'assistant'],
    ]);
    expect(state.body.lastSeq).toBe(2);
  });

  it('stores a retried clientId once, also when both arrive together', async () => {
    const v = await readyVisitor(server, { decisions: { ...ALL_GRANTED, ai_local: false } });
    const clientId = randomUUID();
    const first = await sendMessage(v, 'first try', { clientId });
    const again = await sendMessage(v, 'first try', { clientId });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      duplicate: true,
      message: { id: first.body.message.id, seq: first.body.message.seq },
    });

    const together = randomUUID();
    const [a, b] = await Promise.all([
      sendMessage(v, 'twice at once', { clientId: together }),
      sendMessage(v, 'twice at once', { clientId: together }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.message.id).toBe(b.body.message.id);

    const header = randomUUID();
    const viaHeader = await visitorApi(v, 'POST', '/messages', {
      body: { text: 'by header' },
      headers: { 'Idempotency-Key': header },
    });
    expect(viaHeader.status).toBe(201);
    expect(viaHeader.body).toMatchObject({ message: { clientId: header } });

    const state = await visitorApi<{ messages: MessageView[] }>(v, 'GET', '/conversation');
    const visitorTexts = state.body.messages.filter((m) => m.role === 'visitor').map((m) => m.text);
    expect(visitorTexts).toEqual(['first try', 'twice at once', 'by header']);
  });

  it('numbers every message once when sends and answers interleave, each with its own audit event', async () => {
    const v = await readyVisitor(server);
    const sends = await Promise.all(
      Array.from({ length: 6 }, (_, i) => sendMessage(v, `How do I block my card? (${'abcdef'[i]})`)),
    );
    expect(sends.map((r) => r.status)).toEqual(Array(6).fill(201));
    await repliesSettled(server);
    const rows = (await server.deps.db.dataSource.query(
      `SELECT id, seq::int AS seq, role FROM messages WHERE conversation_id = $1 ORDER BY seq`,
      [v.conversation.id],
    )) as { id: string; seq: number; role: string }[];
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.role === 'visitor')).toHaveLength(6);
    expect(rows.filter((r) => r.role === 'assistant').length).toBeGreaterThanOrEqual(1);
    expect(rows.at(-1)?.role).toBe('assistant'); // the last visitor message is answered
    const events = (await server.deps.db.dataSource.query(
      `SELECT resource_id AS id, (details->>'seq')::int AS seq, details->>'role' AS role, subject_id AS "subjectId" FROM audit_events WHERE action = 'message.store' AND details->>'conversationId' = $1`,
      [v.conversation.id],
    )) as { id: string; seq: number; role: string; subjectId: string }[];
    expect(events.map((e) => [e.id, e.seq, e.role]).sort()).toEqual(rows.map((r) => [r.id, r.seq, r.role]).sort());
    expect(new Set(events.map((e) => e.subjectId)).size).toBe(1);
  });

  it('answers a message sent over HTTP to the socket that listens', async () => {
    const v = await readyVisitor(server);
    const socket = connectSocket(v);
    await socket.ready;
    const sent = await sendMessage(v, QUESTION);
    expect(sent.status).toBe(201);
    await socket.waitFor(isMessage((m) => m.id === sent.body.message.id));
    await socket.waitFor(isAssistant);
    socket.close();
  });

  it('stores the consent decisions with the text version and hash', async () => {
    const v = await openVisitor(server);
    const recorded = await answerConsent(v, {
      ai_local: true,
      ai_cloud: false,
      transcript_keep: true,
      voice_input: false,
    });
    expect(recorded).toMatchObject({
      consents: { ai_local: true, ai_cloud: false, transcript_keep: true, version: '2026-12-07', language: 'en' },
    });
    const rows = (await server.deps.db.dataSource.query(
      `SELECT purpose, granted, text_hash AS hash FROM consent_records r JOIN conversations c ON c.subject_id = r.subject_id WHERE c.id = $1 ORDER BY purpose`,
      [v.conversation.id],
    )) as { purpose: string; granted: boolean; hash: string }[];
    expect(rows.map((r) => r.purpose)).toEqual(['ai_cloud', 'ai_local', 'transcript_keep', 'voice_input']);
    const [conversation] = (await server.deps.db.dataSource.query(
      `SELECT retention_class AS rc FROM conversations WHERE id = $1`,
      [v.conversation.id],
    )) as { rc: string }[];
    expect(conversation!.rc).toBe('transcript_kept');
  });
});
