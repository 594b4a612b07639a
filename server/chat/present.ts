// Stored rows → what the widget sees (protocol/widget.ts). System notices carry an English fallback text;
// the widget translates the code.
import type { ConversationView, MessageView, Notice } from '../../protocol/widget.ts';
import type { ConversationRow } from './store/conversations.ts';
import type { MessageMeta, MessageRow } from './store/messages.ts';

export type { ConversationRow } from './store/conversations.ts';
export type { MessageMeta, MessageRow } from './store/messages.ts';

export const NOTICE_TEXT: Record<Notice, string> = {
  model_failed: 'Our assistant could not answer just now. A person will reply here.',
  handoff: 'This question needs a person. You are in the queue; someone will reply here.',
  queued: 'You are in the queue. A person will reply here.',
  outside_hours: 'Nobody is available right now. Leave your message; a person will reply when we are open.',
  agent_joined: 'A person has joined the conversation.',
  released: 'You are talking to our assistant again.',
  closed: 'This conversation has been closed.',
  transferred: 'You have been transferred to a colleague.',
};

export function presentMessage(m: MessageRow): MessageView {
  return {
    id: m.id,
    seq: Number(m.seq),
    role: m.role,
    text: m.role === 'system' && !m.text && m.meta.notice ? NOTICE_TEXT[m.meta.notice] : m.text,
    createdAt: new Date(m.createdAt).toISOString(),
    clientId: m.clientId,
    sources: m.meta.sources ?? [],
    feedback: typeof m.meta.feedback === 'boolean' ? m.meta.feedback : null,
    notice: m.meta.notice ?? null,
    offer: m.meta.offer ?? null,
    agent: m.meta.agentName ? { name: m.meta.agentName } : null,
    attachments: m.attachments,
  };
}

/**
 * For agents (the transcript they read): which routing target wrote an AI answer, and whether it
 * came from the fallback after the preferred target failed. null for anyone else's message.
 */
export function answerSource(
  m: Pick<MessageRow, 'role' | 'meta'>,
): { target: string | null; provider: string | null; fallback: MessageMeta['fallback'] | null } | null {
  if (m.role !== 'assistant') return null;
  return { target: m.meta.target ?? null, provider: m.meta.provider ?? null, fallback: m.meta.fallback ?? null };
}

export function presentConversation(
  c: ConversationRow,
  officeHours: ConversationView['officeHours'],
): ConversationView {
  return {
    id: c.id,
    site: c.site,
    status: c.status,
    mode: c.mode,
    language: c.language,
    rating: c.rating === null ? null : Number(c.rating),
    officeHours,
  };
}
