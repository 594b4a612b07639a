// Beside the conversation, through the real server: the context panel's facts (codes and counts,
// no personal data; audited) and knowledge suggestions for the visitor's latest question (asked
// redacted; internal articles included for agents; audited). Only an agent who may read the
// conversation gets either.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContextAnswer, SuggestionsAnswer } from '../../protocol/agent.ts';
import { handOff } from '../../server/chat/handoff.ts';
import { createConversation } from '../../server/privacy/conversations.ts';
import { createDataSubject } from '../../server/privacy/subjects.ts';
import { auditEvents } from '../support/audit.ts';
import { inTx } from '../support/privacy.ts';
import { api, bearerLogin, seedStaff, startTestServer, type TestServer } from '../support/server.ts';
import { stringify } from 'yaml';
import { alwaysOpenSites } from '../support/shiftSites.ts';
import { LOCAL_ONLY, policiesDir, readyVisitor, sendMessage, visitorApi } from '../support/widget.ts';

// The demo site with no office hours, so a handoff is in hours whatever the hour of the run.
const policies = policiesDir({ 'sites.yaml': stringify(alwaysOpenSites()) });

const PASSWORD = 'correct horse battery staple';
const CARD = '4111 1111 1111 1111';

describe('context panel and knowledge suggestions', () => {
  let server: TestServer;
  const tokens = { anna: '', ben: '', admin: '', auditor: '' };
  let annaId = '';

  beforeAll(async () => {
    server = await startTestServer({ RETENTION_INTERVAL_SECONDS: '0', PALISADE_POLICIES_DIR: policies.dir });
    for (const [name, role] of [
      ['anna', 'agent'],
      ['ben', 'agent'],
      ['admin', 'admin'],
      ['auditor', 'auditor'],
    ] as const) {
      const id = await seedStaff(server, {
        email: `${name}@bank.example`,
        password: PASSWORD,
        role,
        displayName: name,
      });
      if (name === 'anna') annaId = id;
      tokens[name] = (await bearerLogin(server, `${name}@bank.example`, PASSWORD)).accessToken;
    }
    const article = (audience: string, slug: string, title: string, bodyMd: string) =>
      api(server, 'POST', '/api/kb/articles', {
        token: tokens.admin,
        body: { slug, title, bodyMd, category: 'faq', audience, language: 'en' },
      });
    expect(
      (
        await article(
          'public',
          'cards/blocked',
          'Blocked card',
          '## Unblocking\nA blocked card is unblocked in the app under Cards, then Unblock.',
        )
      ).status,
    ).toBe(201);
    expect(
      (
        await article(
          'internal',
          'cards/blocked-staff',
          'Blocked card (staff)',
          '## Fraud block\nA card blocked for fraud is unblocked only after the fraud team calls back.',
        )
      ).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await server?.stop();
    policies.remove();
  });

  const get = <T>(path: string, token: string) =>
    api<T & { error: { id: string } }>(server, 'GET', `/api/agent/conversations/${path}`, { token });

  it('tells site, language, consents, anonymity, earlier conversations and office hours of a waiting visitor, and audits the read', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    const res = await get<unknown>(`${v.conversation.id}/context`, tokens.anna);
    expect(res.status).toBe(200);
    const { context } = ContextAnswer.parse(res.body);
    expect(context).toEqual({
      site: 'retail',
      siteName: expect.any(String),
      language: 'en',
      consents: { ai_local: true, ai_cloud: false, transcript_keep: false, voice_input: false },
      identity: 'anonymous',
      earlierConversations: 0,
      officeHours: { open: true, nextOpen: null },
    });
    const [event] = await auditEvents(server, `action = 'conversation.context_read' AND actor_id = $1`, [annaId]);
    expect(event).toMatchObject({
      resourceId: v.conversation.id,
      details: { identity: 'anonymous', earlierConversations: 0 },
    });
  });

  it('tells a verified identity and counts the visitor’s earlier conversations', async () => {
    const id = await inTx(server, async (ctx) => {
      const subject = await createDataSubject(ctx, [{ kind: 'customer_id', value: `C-${crypto.randomUUID()}` }]);
      await createConversation(ctx, {
        subjectId: subject.id,
        site: 'retail',
        retentionClass: 'standard',
        language: 'en',
      });
      ctx.now = new Date(ctx.now.getTime() + 1000);
      const c = await createConversation(ctx, {
        subjectId: subject.id,
        site: 'retail',
        retentionClass: 'standard',
        language: 'en',
      });
      await handOff({
        ctx,
        conversationId: c.id,
        reason: 'visitor_request',
        queue: 'retail',
        language: 'en',
        openNow: true,
      });
      return c.id;
    });
    const { context } = ContextAnswer.parse((await get<unknown>(`${id}/context`, tokens.anna)).body);
    expect(context).toMatchObject({ identity: 'verified', earlierConversations: 1 });
  });

  it('suggests passages for the latest question, asked redacted, internal ones included', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    const empty = SuggestionsAnswer.parse((await get<unknown>(`${v.conversation.id}/suggestions`, tokens.anna)).body);
    expect(empty).toEqual({ question: null, suggestions: [] });

    expect((await sendMessage(v, `My card ${CARD} is blocked, how do I unblock the card?`)).status).toBe(201);
    const res = await get<unknown>(`${v.conversation.id}/suggestions`, tokens.anna);
    expect(res.status).toBe(200);
    const answer = SuggestionsAnswer.parse(res.body);
    expect(answer.question).toContain('<CREDIT_CARD_1>');
    expect(JSON.stringify(res.body)).not.toContain('4111');
    expect(answer.suggestions.map((s) => s.title).sort()).toEqual(['Blocked card', 'Blocked card (staff)']);
    for (const s of answer.suggestions) {
      expect(s.confidence).toBeGreaterThan(0);
      expect(s.citation).toContain(s.title);
    }
    const [event] = await auditEvents(server, `action = 'knowledge.suggest' AND actor_id = $1`, [annaId]);
    expect(event).toMatchObject({ resourceType: 'Message', details: { conversationId: v.conversation.id } });
  });

  it('refuses other roles, another agent’s conversation and bad ids', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    const id = v.conversation.id;
    // The AI answers it: no agent reads its context.
    expect((await get(`${id}/context`, tokens.anna)).body.error.id).toBe('not_assigned');
    expect((await visitorApi(v, 'POST', '/handoff')).status).toBe(200);
    expect((await api(server, 'POST', `/api/agent/conversations/${id}/claim`, { token: tokens.anna })).status).toBe(
      200,
    );
    for (const path of ['context', 'suggestions']) {
      const other = await get(`${id}/${path}`, tokens.ben);
      expect([other.status, other.body.error.id]).toEqual([403, 'not_assigned']);
      expect((await get(`${id}/${path}`, tokens.auditor)).status).toBe(403);
      expect((await get(`nope/${path}`, tokens.anna)).body.error.id).toBe('validation_failed');
      expect((await get(`${crypto.randomUUID()}/${path}`, tokens.anna)).status).toBe(404);
    }
    // Anna's read while the AI answered, and Ben's two.
    expect(await auditEvents(server, `action = 'access.denied' AND resource_id = $1`, [id])).toHaveLength(3);
  });
});
