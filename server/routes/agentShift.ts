// The agent's shift beyond the live queue (docs/http-api.md): follow-ups left outside office hours,
// and taking one. Thin: auth → authorize → a command in its own privacy transaction → presenter;
// what changed reaches the widget and the consoles only after commit.
import Router from '@koa/router';
import { z } from 'zod';
import { agentOf } from '../chat/agent.ts';
import { conversationView, publishMessages } from '../chat/env.ts';
import { listFollowUps, takeFollowUp } from '../chat/followUps.ts';
import type { ChatService } from '../chat/service.ts';
import { validationFailed } from '../errors.ts';
import type { Infra } from '../infra.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import { publishStaffEvent } from '../staff/live.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { AppState } from './context.ts';
import { presentForAgent } from './agent.ts';

export function agentShiftRoutes(deps: Infra, chat: ChatService) {
  const router = new Router<AppState>({ prefix: '/api/agent' });
  const actorOf = (state: AppState) => ({ type: 'staff' as const, id: state.staff!.userId });

  router.get('/follow-ups', staffAuth(deps), authorize(deps, 'read', 'Conversation'), async (ctx) => {
    const rows = await privacyTransaction(
      deps,
      { actor: actorOf(ctx.state), requestId: ctx.state.requestId, action: 'queue.read' },
      (p) => listFollowUps({ ctx: p, sites: chat.sites }),
    );
    ctx.body = { conversations: rows.map(presentForAgent) };
  });

  router.post('/follow-ups/:id/take', staffAuth(deps), authorize(deps, 'update', 'Conversation'), async (ctx) => {
    const id = z.uuid().safeParse(ctx.params.id);
    if (!id.success) throw validationFailed([{ path: 'id', message: 'is not a valid id' }]);
    const change = await privacyTransaction(
      deps,
      { actor: actorOf(ctx.state), requestId: ctx.state.requestId, action: 'conversation.claim' },
      async (p) => takeFollowUp({ ctx: p, conversationId: id.data, agent: await agentOf(p, ctx.state.staff!.userId) }),
    );
    const c = change.conversation;
    if (change.messages.length) {
      publishMessages(chat, c.id, change.messages);
      chat.hub.publish(c.id, { type: 'state', conversation: conversationView(chat, c) });
      publishStaffEvent(deps, { type: 'queue.changed', id: c.id });
      publishStaffEvent(deps, { type: 'conversation.changed', id: c.id });
    }
    ctx.body = { conversation: presentForAgent(c) };
  });

  return router;
}
