// Agent API (docs/widget-protocol.md, "Agent API"): staff agents take handed-off conversations.
// Thin: auth → authorize → validate → a command in its own privacy transaction → presenter; what
// changed is published to the widget only after commit.
import Router from '@koa/router';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import {
  type Agent,
  type AgentChange,
  type AgentConversation,
  AgentReply,
  agentOf,
  assertMayView,
  attachmentConversation,
  claim,
  close,
  listQueue,
  QueueFilter,
  readTranscript,
  release,
  reply,
  reveal,
  RevealRequest,
  Transfer,
  transfer,
} from '../chat/agent.ts';
import { conversationView, officeStatusOf, publishMessages } from '../chat/env.ts';
import { transcriptMaskerFor } from '../chat/masking.ts';
import { answerSource, presentMessage } from '../chat/present.ts';
import type { ChatService } from '../chat/service.ts';
import type { Infra } from '../infra.ts';
import type { AppContext, AppState } from './context.ts';
import { AppError, validationFailed } from '../errors.ts';
import { validate, validateQuery } from './validate.ts';
import type { PrivacyCtx } from '../privacy/context.ts';
import { readAttachment } from '../privacy/conversations.ts';
import { DbVaultStore } from '../privacy/vaultStore.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import { publishStaffEvent } from '../staff/live.ts';
import { agentTypingSignal } from '../chat/typing.ts';
import { latestQuestion, readContext } from '../chat/agentContext.ts';
import { questionRedactorFor } from '../knowledge/redact-question.ts';
import { knowledgeFor } from '../knowledge/source.ts';
import { listAgents, markRead, ownConversations, SetPresence, setPresence } from '../chat/workload.ts';

/** How many passages the console offers for the visitor's latest question. */
const SUGGESTIONS = 3;

/** What the console sees of a conversation: codes and ids, never text. */
export const presentForAgent = (c: AgentConversation) => ({
  id: c.id,
  site: c.site,
  language: c.language,
  status: c.status,
  mode: c.mode,
  queue: c.queue,
  reason: c.handoffReason,
  waitingSince: c.handoffAt ? new Date(c.handoffAt).toISOString() : null,
  assignedTo: c.assignedTo,
});

const uuidParam = (value: unknown, name: string): string => {
  const parsed = z.uuid().safeParse(value);
  if (!parsed.success) throw validationFailed([{ path: name, message: 'is not a valid id' }]);
  return parsed.data;
};

/** After commit: the widget hears every stored message, then the new state; the agents' consoles hear which conversation changed. */
function publishChange(chat: ChatService, change: AgentChange, stateChanged: boolean, queueChanged = true): void {
  const c = change.conversation;
  publishMessages(chat, c.id, change.messages);
  if (stateChanged) chat.hub.publish(c.id, { type: 'state', conversation: conversationView(chat, c) });
  if (queueChanged) publishStaffEvent(chat.deps, { type: 'queue.changed', id: c.id });
  if (change.messages.length) publishStaffEvent(chat.deps, { type: 'conversation.changed', id: c.id });
}

export function agentRoutes(deps: Infra, chat: ChatService) {
  const router = new Router<AppState>({ prefix: '/api/agent' });
  const masker = transcriptMaskerFor(deps);
  const read = [staffAuth(deps), authorize(deps, 'read', 'Conversation')];
  const update = [staffAuth(deps), authorize(deps, 'update', 'Conversation')];

  /** Runs a command as the signed-in agent; a refusal to touch someone else's conversation goes on the audit record. */
  async function asAgent<T>(
    ctx: AppContext,
    action: string,
    fn: (p: PrivacyCtx, agent: Agent) => Promise<T>,
  ): Promise<T> {
    const staffId = ctx.state.staff!.userId;
    const actor = { type: 'staff' as const, id: staffId };
    try {
      return await privacyTransaction(deps, { actor, requestId: ctx.state.requestId, action }, async (p) =>
        fn(p, await agentOf(p, staffId)),
      );
    } catch (err) {
      if (err instanceof AppError && err.id === 'not_assigned') {
        await deps.db.dataSource.transaction((tx) =>
          appendAudit(tx, {
            actor,
            action: 'access.denied',
            resource: { type: 'Conversation', id: ctx.params.id },
            outcome: 'denied',
            requestId: ctx.state.requestId,
            details: { attempted: action, cause: err.id },
          }),
        );
      }
      throw err;
    }
  }

  const conversationId = (ctx: AppContext) => uuidParam(ctx.params.id, 'id');

  router.get('/queue', ...read, validateQuery(QueueFilter), async (ctx) => {
    const rows = await asAgent(ctx, 'queue.read', (p) => listQueue({ ctx: p, filter: ctx.state.query as QueueFilter }));
    ctx.body = { conversations: rows.map(presentForAgent) };
  });

  /** The conversations the signed-in agent holds, each with its unread visitor messages. */
  router.get('/mine', ...read, async (ctx) => {
    const rows = await asAgent(ctx, 'queue.read', (p, agent) => ownConversations(p, agent.id));
    ctx.body = { conversations: rows.map((c) => ({ ...presentForAgent(c), unread: c.unread })) };
  });

  /** Who a conversation may be transferred to, with presence and load; staff names only. */
  router.get('/agents', ...read, async (ctx) => {
    ctx.body = { agents: await listAgents({ tx: deps.db.dataSource.manager }) };
  });

  router.put('/presence', ...update, validate(SetPresence), async (ctx) => {
    const status = await asAgent(ctx, 'agent.presence', (p, agent) =>
      setPresence(p, agent.id, (ctx.state.input as SetPresence).status),
    );
    publishStaffEvent(deps, { type: 'agent.changed', id: ctx.state.staff!.userId });
    ctx.body = { presence: status };
  });

  /** The sites and their languages, for the queue's filters. */
  router.get('/sites', ...read, (ctx) => {
    ctx.body = { sites: [...chat.sites.values()].map((s) => ({ id: s.id, name: s.name, languages: s.languages })) };
  });

  router.post('/conversations/:id/claim', ...update, async (ctx) => {
    const id = conversationId(ctx);
    const change = await asAgent(ctx, 'conversation.claim', (p, agent) => claim({ ctx: p, conversationId: id, agent }));
    publishChange(chat, change, change.messages.length > 0);
    ctx.body = { conversation: presentForAgent(change.conversation) };
  });

  router.get('/conversations/:id/transcript', ...read, async (ctx) => {
    const id = conversationId(ctx);
    const { conversation, messages, vault } = await asAgent(ctx, 'transcript.read', async (p, agent) => {
      const read = await readTranscript({ ctx: p, conversationId: id, agent });
      // What the holder has seen is no longer unread in the list of their conversations.
      if (read.conversation.assignedTo === agent.id) await markRead(p, agent.id, id, read.conversation.lastSeq);
      // The values the gateway masked for the model (an audited vault read), looked for in every message.
      return { ...read, vault: await new DbVaultStore(p).load(id) };
    });
    // Masked after commit: redaction needs no database, and the raw texts never leave this function.
    const people = messages.filter((m) => m.role !== 'system');
    const masked = await masker(
      people.map((m) => m.text),
      conversation.language,
      vault,
    );
    const maskedById = new Map(people.map((m, i) => [m.id, masked[i]!.text]));
    ctx.body = {
      conversation: presentForAgent(conversation),
      messages: messages.map((m) => ({
        ...presentMessage({ ...m, text: maskedById.get(m.id) ?? m.text }),
        answeredBy: answerSource(m),
      })),
    };
  });

  router.post(
    '/conversations/:id/messages/:messageId/reveal',
    staffAuth(deps),
    authorize(deps, 'reveal', 'PersonalData'),
    validate(RevealRequest),
    async (ctx) => {
      const id = conversationId(ctx);
      const messageId = uuidParam(ctx.params.messageId, 'messageId');
      const { text } = await asAgent(ctx, 'pii.reveal', (p, agent) =>
        reveal({
          ctx: p,
          conversationId: id,
          messageId,
          agent,
          request: ctx.state.input as RevealRequest,
          mask: async (text, lang) => (await masker([text], lang))[0]!,
        }),
      );
      ctx.body = { text, visibleSeconds: deps.config.privacy.revealSeconds };
    },
  );

  router.post('/conversations/:id/messages', ...update, validate(AgentReply), async (ctx) => {
    const id = conversationId(ctx);
    const result = await asAgent(ctx, 'message.store', (p, agent) =>
      reply({ ctx: p, conversationId: id, agent, input: ctx.state.input as AgentReply }),
    );
    publishChange(chat, result, false, false);
    ctx.status = result.duplicate ? 200 : 201;
    ctx.body = { message: presentMessage(result.message), duplicate: result.duplicate };
  });

  router.get('/conversations/:id/context', ...read, async (ctx) => {
    const id = conversationId(ctx);
    const context = await asAgent(ctx, 'conversation.context_read', (p, agent) =>
      readContext({
        ctx: p,
        conversationId: id,
        agent,
        officeHours: (site) => officeStatusOf(chat, site),
        siteName: (site) => chat.sites.get(site)?.name ?? site,
      }),
    );
    ctx.body = { context };
  });

  // The question is redacted before it is searched or answered: the console sees placeholders, as in the transcript.
  router.get(
    '/conversations/:id/suggestions',
    staffAuth(deps),
    authorize(deps, 'read', 'Conversation'),
    authorize(deps, 'read', 'KnowledgeArticle'),
    async (ctx) => {
      const id = conversationId(ctx);
      const latest = await asAgent(ctx, 'knowledge.suggest', (p, agent) =>
        latestQuestion({ ctx: p, conversationId: id, agent }),
      );
      if (!latest) {
        ctx.body = { question: null, suggestions: [] };
        return;
      }
      const question = await questionRedactorFor(deps)(latest.text, latest.language ?? undefined);
      const found = await knowledgeFor(deps.db.dataSource).search({
        question,
        ...(latest.language ? { lang: latest.language } : {}),
        audience: ['public', 'internal'],
        limit: SUGGESTIONS,
      });
      ctx.body = {
        question,
        suggestions: found.passages.map((p) => ({
          articleId: p.articleId,
          title: p.title,
          heading: p.heading,
          text: p.text,
          confidence: p.confidence,
          citation: p.heading && p.heading !== p.title ? `${p.title} › ${p.heading}` : p.title,
        })),
      };
    },
  );

  // Not stored and no text: the widget shows "the agent is typing" for a few seconds.
  const typing = agentTypingSignal(chat);
  router.post('/conversations/:id/typing', ...update, async (ctx) => {
    await typing(conversationId(ctx), ctx.state.staff!.userId);
    ctx.status = 204;
  });

  router.post('/conversations/:id/transfer', ...update, validate(Transfer), async (ctx) => {
    const id = conversationId(ctx);
    const change = await asAgent(ctx, 'conversation.transfer', (p, agent) =>
      transfer({ ctx: p, conversationId: id, agent, to: ctx.state.input as Transfer }),
    );
    publishChange(chat, change, true);
    ctx.body = { conversation: presentForAgent(change.conversation) };
  });

  for (const [name, command] of [
    ['release', release],
    ['close', close],
  ] as const) {
    router.post(`/conversations/:id/${name}`, ...update, async (ctx) => {
      const id = conversationId(ctx);
      const change = await asAgent(ctx, `conversation.${name}`, (p, agent) =>
        command({ ctx: p, conversationId: id, agent }),
      );
      publishChange(chat, change, true);
      ctx.body = { conversation: presentForAgent(change.conversation) };
    });
  }

  router.get('/attachments/:id', ...read, async (ctx) => {
    const id = uuidParam(ctx.params.id, 'id');
    const file = await asAgent(ctx, 'attachment.read', async (p, agent) => {
      assertMayView(await attachmentConversation(p, id), agent.id);
      return readAttachment(p, id);
    });
    ctx.type = file.mime;
    ctx.set('Content-Disposition', 'attachment');
    ctx.body = file.content;
  });

  return router;
}
