// The widget's HTTP API (docs/widget-protocol.md): thin routes over server/chat. Every call but
// config and sessions carries the visitor token; every browser call is checked against the
// site's origins.
import { PassThrough } from 'node:stream';
import Router from '@koa/router';
import type { Context, Middleware } from 'koa';
import { z } from 'zod';
import { closeByVisitor, eraseVisitor, exportVisitor, giveFeedback, rate, requestHandoff } from '../chat/commands.ts';
import { consentsInForce, recordDecisions } from '../chat/consent.ts';
import { chatTransaction, conversationView, officeStatusOf } from '../chat/env.ts';
import type { ChatEvent } from '../../protocol/widget.ts';
import {
  ConfigQuery,
  ConsentDecisions,
  CreateSession,
  Erasure,
  EventsQuery,
  Feedback,
  Rating,
  SendMessage,
} from '../../protocol/widgetSchemas.ts';
import { checkUpload, readUpload, readVisitorAttachment } from '../chat/attachments.ts';
import { loadConversation, readConversationMessages } from '../chat/messages.ts';
import { presentMessage } from '../chat/present.ts';
import { joinConversation } from '../chat/realtime.ts';
import { type ChatService, originNotAllowed, type Visitor } from '../chat/service.ts';
import type { Site } from '../chat/sites.ts';
import { bearerOf, signVisitorToken } from '../chat/tokens.ts';
import { languageFor, openConversation, openSession, unknownSite, verifyIdentity } from '../chat/visitors.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { notFound, validationFailed } from '../errors.ts';
import { validate, validateQuery } from './validate.ts';
import { sharedReply, streamingNow } from '../chat/streaming.ts';
import { storeAttachment } from '../privacy/conversations.ts';
import { visitorTypingSignal } from '../chat/typing.ts';

type WidgetState = AppState & { visitor?: Visitor };

const SSE_HEARTBEAT_MS = 15_000;

export function widgetRoutes(deps: Infra, chat: ChatService) {
  const router = new Router<WidgetState>({ prefix: '/api/widget' });
  const actor = (v: Visitor) => ({ type: 'visitor' as const, id: v.subjectId });
  const refused = new Map<string, number>();
  /**
   * The page's origin must be one the site allows. A page not yet allowed is told so in a form it
   * can read (CORS on the refusal alone: it says nothing else), so the widget shows that the site
   * is not set up for this address; the operator finds the origin in the log (once in 10 minutes).
   */
  const checkOrigin = (ctx: Context, site: Site, opts: { readableRefusal?: boolean } = {}) => {
    const origin = ctx.get('Origin') || undefined;
    if (chat.originAllowed(site, origin, ctx.host)) return;
    const key = `${site.id} ${origin?.slice(0, 200) ?? ''}`;
    if ((refused.get(key) ?? 0) < Date.now() - 600_000) {
      if (refused.size > 1000) refused.clear();
      refused.set(key, Date.now());
      deps.logger.warn('widget.origin_not_allowed', {
        site: site.id,
        origin: origin?.slice(0, 200) ?? null,
        requestId: ctx.state.requestId as string,
        hint: 'add the origin to the site in sites.yaml or to WIDGET_ORIGINS',
      });
    }
    if (opts.readableRefusal && origin) {
      ctx.vary('Origin');
      ctx.set('Access-Control-Allow-Origin', origin);
    }
    throw originNotAllowed();
  };
  const siteNamed = (id: string): Site =>
    chat.sites.get(id) ??
    (() => {
      throw unknownSite();
    })();

  /** The token names the visitor, their site and conversation; the page's origin must be one the site allows. */
  const visitorAuth: Middleware<WidgetState> = async (ctx, next) => {
    const visitor = await chat.authenticate(bearerOf(ctx.get('Authorization')));
    checkOrigin(ctx, visitor.siteConfig);
    ctx.state.visitor = visitor;
    await next();
  };
  const tokenFor = (subjectId: string, conversationId: string, site: string) =>
    signVisitorToken(chat.tokenKey, { subjectId, conversationId, site });

  router.get('/config', validateQuery(ConfigQuery), async (ctx) => {
    const q = ctx.state.query as ConfigQuery;
    const site = siteNamed(q.site);
    checkOrigin(ctx, site, { readableRefusal: true });
    const text = chat.consent.text(languageFor(site, q.lang));
    ctx.body = {
      site: {
        id: site.id,
        name: site.name,
        languages: site.languages,
        defaultLanguage: site.defaultLanguage,
        limits: { messageChars: site.limits.messageChars },
        attachments: site.attachments,
      },
      consent: {
        ...text,
        actions: { acceptAll: 'Accept all', save: 'Save my choices', personOnly: 'Only talk to a person' },
      },
      officeHours: officeStatusOf(chat, site.id),
    };
  });

  router.post('/sessions', validate(CreateSession), async (ctx) => {
    const input = ctx.state.input as CreateSession;
    const site = siteNamed(input.site);
    checkOrigin(ctx, site);
    if (input.identity) verifyIdentity(site, input.identity);
    await chat.limitSession(site, ctx.ip);
    const language = languageFor(site, input.language);
    const opened = await chatTransaction(
      chat,
      { type: 'system', id: 'widget' },
      'session.create',
      async (p) => {
        const s = await openSession(p, { site, language, identity: input.identity });
        return { ...s, conversation: await loadConversation(p, s.conversationId) };
      },
      ctx.state.requestId,
    );
    ctx.status = 201;
    ctx.body = {
      token: await tokenFor(opened.subjectId, opened.conversationId, site.id),
      conversation: conversationView(chat, opened.conversation),
    };
  });

  router.post('/conversations', visitorAuth, async (ctx) => {
    const v = ctx.state.visitor!;
    await chat.limitSession(v.siteConfig, ctx.ip);
    const conversation = await chatTransaction(
      chat,
      actor(v),
      'conversation.create',
      async (p) => {
        const previous = await loadConversation(p, v.conversationId);
        const consents = await consentsInForce(p, v.subjectId);
        const id = await openConversation(p, {
          subjectId: v.subjectId,
          site: v.siteConfig,
          language: previous.language ?? v.siteConfig.defaultLanguage,
          transcriptKept: consents.transcript_keep,
        });
        return loadConversation(p, id);
      },
      ctx.state.requestId,
    );
    ctx.status = 201;
    ctx.body = {
      token: await tokenFor(v.subjectId, conversation.id, v.site),
      conversation: conversationView(chat, conversation),
    };
  });

  router.get('/conversation', visitorAuth, async (ctx) => {
    const v = ctx.state.visitor!;
    const state = await chatTransaction(
      chat,
      actor(v),
      'transcript.read',
      async (p) => {
        const c = await loadConversation(p, v.conversationId);
        return {
          conversation: c,
          consents: await consentsInForce(p, v.subjectId),
          messages: await readConversationMessages(p, c, { purpose: 'visitor_view' }),
          elsewhere: await sharedReply(chat, p, c),
        };
      },
      ctx.state.requestId,
    );
    const reply = streamingNow(chat.hub, v.conversationId, state.elsewhere, state.messages);
    ctx.body = {
      conversation: conversationView(chat, state.conversation),
      consents: state.consents,
      messages: state.messages.map(presentMessage),
      lastSeq: state.conversation.lastSeq,
      ...(reply ? { reply: { id: reply.id, text: reply.text } } : {}),
    };
  });

  router.get('/consents', visitorAuth, async (ctx) => {
    const v = ctx.state.visitor!;
    ctx.body = {
      consents: await chatTransaction(
        chat,
        actor(v),
        'consent.read',
        (p) => consentsInForce(p, v.subjectId),
        ctx.state.requestId,
      ),
    };
  });

  router.put('/consents', visitorAuth, validate(ConsentDecisions), async (ctx) => {
    const v = ctx.state.visitor!;
    const input = ctx.state.input as ConsentDecisions;
    ctx.body = {
      consents: await chatTransaction(
        chat,
        actor(v),
        'consent.record',
        (p) =>
          recordDecisions(p, { subjectId: v.subjectId, conversationId: v.conversationId, texts: chat.consent, input }),
        ctx.state.requestId,
      ),
    };
  });

  router.post(
    '/messages',
    visitorAuth,
    async (ctx, next) => {
      // The Idempotency-Key header stands in for a clientId the body leaves out.
      const key = ctx.get('Idempotency-Key');
      if (key && ctx.state.body && typeof ctx.state.body === 'object' && !('clientId' in ctx.state.body))
        ctx.state.body = { ...ctx.state.body, clientId: key };
      await next();
    },
    validate(SendMessage),
    async (ctx) => {
      const result = await chat.send({
        visitor: ctx.state.visitor!,
        input: ctx.state.input as SendMessage,
        ip: ctx.ip,
        requestId: ctx.state.requestId,
      });
      ctx.status = result.duplicate ? 200 : 201;
      ctx.body = result;
    },
  );

  router.post('/attachments', visitorAuth, async (ctx) => {
    const v = ctx.state.visitor!;
    const content = await readUpload(ctx.req, v.siteConfig.attachments.maxBytes);
    const mime = checkUpload(v.siteConfig, ctx.get('Content-Type'), content);
    const { id } = await chatTransaction(
      chat,
      actor(v),
      'attachment.store',
      (p) => storeAttachment(p, { conversationId: v.conversationId, mime, content }),
      ctx.state.requestId,
    );
    ctx.status = 201;
    ctx.body = { attachment: { id, mime, size: content.length } };
  });

  router.get('/attachments/:id', visitorAuth, async (ctx) => {
    const v = ctx.state.visitor!;
    if (!z.uuid().safeParse(ctx.params.id).success)
      throw validationFailed([{ path: 'id', message: 'is not a valid id' }]);
    const file = await chatTransaction(
      chat,
      actor(v),
      'attachment.read',
      (p) => readVisitorAttachment(p, ctx.params.id!, v.subjectId),
      ctx.state.requestId,
    );
    ctx.set('Content-Type', file.mime);
    ctx.set('Content-Disposition', 'attachment');
    ctx.body = file.content;
  });

  router.post('/handoff', visitorAuth, async (ctx) => {
    ctx.body = { conversation: await requestHandoff(chat, ctx.state.visitor!, ctx.state.requestId) };
  });

  // Not stored and no text: the agent's console shows "the visitor is typing" for a few seconds.
  const typing = visitorTypingSignal(deps);
  router.post('/typing', visitorAuth, async (ctx) => {
    await typing(ctx.state.visitor!);
    ctx.status = 204;
  });

  router.post('/messages/:id/feedback', visitorAuth, validate(Feedback), async (ctx) => {
    if (!z.uuid().safeParse(ctx.params.id).success) throw notFound('message');
    ctx.body = {
      message: await giveFeedback(
        chat,
        ctx.state.visitor!,
        ctx.params.id!,
        (ctx.state.input as Feedback).helpful,
        ctx.state.requestId,
      ),
    };
  });

  router.post('/close', visitorAuth, async (ctx) => {
    ctx.body = { conversation: await closeByVisitor(chat, ctx.state.visitor!, ctx.state.requestId) };
  });

  router.post('/rating', visitorAuth, validate(Rating), async (ctx) => {
    ctx.body = {
      conversation: await rate(chat, ctx.state.visitor!, (ctx.state.input as Rating).score, ctx.state.requestId),
    };
  });

  router.get('/me/export', visitorAuth, async (ctx) => {
    const v = ctx.state.visitor!;
    const archive = await exportVisitor(chat, v, ctx.state.requestId);
    ctx.set('Content-Disposition', `attachment; filename="palisade-export-${v.subjectId}.json"`);
    ctx.body = archive;
  });

  router.post('/me/erasure', visitorAuth, validate(Erasure), async (ctx) => {
    ctx.status = 202;
    ctx.body = { request: await eraseVisitor(chat, ctx.state.visitor!, ctx.state.requestId) };
  });

  // SSE fallback: the same events as the WebSocket; `id:` is the seq of message events, so the
  // browser's own reconnect resumes with Last-Event-ID.
  router.get('/events', visitorAuth, validateQuery(EventsQuery), async (ctx) => {
    const v = ctx.state.visitor!;
    const lastEventId = ctx.get('Last-Event-ID');
    const after = Math.max(
      Number((ctx.state.query as EventsQuery).after ?? 0),
      /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : 0,
    );
    const stream = new PassThrough();
    const write = (e: ChatEvent) =>
      stream.write(`${e.type === 'message' ? `id: ${e.message.seq}\n` : ''}data: ${JSON.stringify(e)}\n\n`);
    // A failed gap repair ends the stream: the widget reconnects after its gap-free cursor.
    const joined = await joinConversation(chat, v, after, write, ctx.state.requestId, () => stream.end());
    const heartbeat = setInterval(() => stream.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    const end = () => {
      clearInterval(heartbeat);
      joined.unsubscribe();
      stream.end();
    };
    ctx.req.once('close', end);
    ctx.res.once('close', end);
    ctx.req.socket.setTimeout(0);
    ctx.set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    ctx.status = 200;
    stream.write(
      `retry: 2000\n\ndata: ${JSON.stringify({ type: 'ready', conversation: joined.conversation, lastSeq: joined.lastSeq })}\n\n`,
    );
    for (const e of joined.first) write(e);
    joined.live();
    ctx.body = stream;
  });

  return router;
}
