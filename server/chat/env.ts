// What the chat's parts share: the infrastructure, the model gateway, the hub, the sites and the clock of office hours,
// plus the one way every part moves a conversation to the queue and tells the widget after commit.
import type { Gateway } from '../../gateway/index.ts';
import type { Infra } from '../infra.ts';
import { publishStaffEvent } from '../staff/live.ts';
import type { PrivacyActor, PrivacyCtx } from '../privacy/context.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import type { ConsentTexts } from './consentText.ts';
import type { ConversationView } from '../../protocol/widget.ts';
import { autoAssign } from './assign.ts';
import { type HandoffReason, handOff } from './handoff.ts';
import type { ChatHub } from './hub.ts';
import type { MessageRow } from './present.ts';
import { type ConversationRow, presentConversation, presentMessage } from './present.ts';
import { officeStatus, type OfficeStatus } from './officeHours.ts';
import type { Site } from './sites.ts';

export interface ChatEnv {
  deps: Infra;
  /** the model gateway the replies ask */
  gateway: Gateway;
  hub: ChatHub;
  sites: Map<string, Site>;
  consent: ConsentTexts;
}

export function officeStatusOf(env: Pick<ChatEnv, 'sites' | 'deps'>, siteId: string): OfficeStatus {
  const site = env.sites.get(siteId);
  return site?.officeHours ? officeStatus(site.officeHours, env.deps.now()) : { open: true, nextOpen: null };
}

export const conversationView = (env: Pick<ChatEnv, 'sites' | 'deps'>, c: ConversationRow): ConversationView =>
  presentConversation(c, officeStatusOf(env, c.site));

/** Publishes committed messages to the conversation's listeners, in seq order. */
export function publishMessages(
  env: Pick<ChatEnv, 'hub'>,
  conversationId: string,
  messages: (MessageRow | null | undefined)[],
): void {
  for (const m of messages) if (m) env.hub.publish(conversationId, { type: 'message', message: presentMessage(m) });
}

export interface HandoffOutcome {
  changed: boolean;
  conversation: ConversationRow;
  messages: MessageRow[];
}

/** handOff in the caller's transaction, with the site's queue and office hours filled in. */
export async function handOffIn(
  env: Pick<ChatEnv, 'sites' | 'deps'>,
  ctx: PrivacyCtx,
  conversation: ConversationRow,
  reason: HandoffReason,
): Promise<HandoffOutcome> {
  const site = env.sites.get(conversation.site);
  const hours = officeStatusOf(env, conversation.site);
  const r = await handOff({
    ctx,
    conversationId: conversation.id,
    reason,
    queue: conversation.queue ?? site?.queue ?? conversation.site,
    language: conversation.language,
    openNow: hours.open,
    nextOpen: hours.nextOpen,
  });
  // Outside office hours nobody is expected: the conversation waits as a follow-up.
  const joined = r.changed && hours.open ? await autoAssign({ ctx, conversation: r.conversation, site }) : null;
  if (!joined) return { changed: r.changed, conversation: r.conversation, messages: r.notice ? [r.notice] : [] };
  return {
    changed: true,
    conversation: { ...r.conversation, mode: 'agent' },
    messages: r.notice ? [r.notice, joined] : [joined],
  };
}

/** After commit: the notice(s), then the new state. */
export function publishHandoff(env: Pick<ChatEnv, 'hub' | 'sites' | 'deps'>, outcome: HandoffOutcome): void {
  publishMessages(env, outcome.conversation.id, outcome.messages);
  if (!outcome.changed) return;
  env.hub.publish(outcome.conversation.id, {
    type: 'state',
    conversation: conversationView(env, outcome.conversation),
  });
  publishStaffEvent(env.deps, { type: 'queue.changed', id: outcome.conversation.id });
}

/** A privacy transaction acting as the chat system itself (the reply job, the gateway's bookkeeping). */
export const ASSISTANT: PrivacyActor = { type: 'system', id: 'assistant' };

export const chatTransaction = <T>(
  env: Pick<ChatEnv, 'deps'>,
  actor: PrivacyActor,
  action: string,
  fn: (ctx: PrivacyCtx) => Promise<T>,
  requestId?: string,
): Promise<T> => privacyTransaction(env.deps, { actor, action, requestId }, fn);
