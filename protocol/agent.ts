// The agent workspace's wire types: what /api/agent/… and /api/canned answer (server/routes/agent.ts,
// server/routes/canned.ts; docs/widget-protocol.md, "Agent API"). The console checks every answer
// against these schemas. Queue entries carry ids and codes, never text; transcripts come masked.
import { z } from 'zod';

export const REVEAL_REASONS = [
  'verify_identity',
  'customer_request',
  'fraud_investigation',
  'legal_obligation',
] as const;
export type RevealReason = (typeof REVEAL_REASONS)[number];

export const AgentConversation = z.object({
  id: z.string(),
  site: z.string(),
  language: z.string().nullable(),
  status: z.enum(['open', 'handoff', 'closed']),
  mode: z.enum(['ai', 'queued', 'agent', 'closed']),
  queue: z.string().nullable(),
  reason: z.string().nullable(),
  waitingSince: z.string().nullable(),
  assignedTo: z.string().nullable(),
});
export type AgentConversation = z.infer<typeof AgentConversation>;
export const QueueAnswer = z.object({ conversations: z.array(AgentConversation) });
export const ConversationAnswer = z.object({ conversation: AgentConversation });

export const TranscriptMessage = z.object({
  id: z.string(),
  seq: z.number(),
  role: z.enum(['visitor', 'assistant', 'agent', 'system']),
  text: z.string(),
  createdAt: z.string(),
  clientId: z.string().nullable(),
  sources: z.array(z.object({ articleId: z.string(), title: z.string() })),
  notice: z.string().nullable(),
  agent: z.object({ name: z.string() }).nullable(),
  attachments: z.array(z.object({ id: z.string(), mime: z.string(), size: z.number() })),
  /** for the AI's answers: the routing target that wrote it, and whether it was the fallback */
  answeredBy: z
    .object({ target: z.string().nullable(), provider: z.string().nullable(), fallback: z.unknown().nullable() })
    .nullable(),
});
export type TranscriptMessage = z.infer<typeof TranscriptMessage>;
export const TranscriptAnswer = z.object({ conversation: AgentConversation, messages: z.array(TranscriptMessage) });

/** the message in clear, and how long the console shows it before masking it again (AGENT_REVEAL_SECONDS) */
export const RevealAnswer = z.object({ text: z.string(), visibleSeconds: z.number().int().positive() });
export const ReplyAnswer = z.object({ message: TranscriptMessage.omit({ answeredBy: true }), duplicate: z.boolean() });

export const CannedResponse = z.object({
  id: z.string(),
  site: z.string(),
  language: z.string(),
  shortcut: z.string(),
  title: z.string(),
  body: z.string(),
  text: z.string().optional(),
});
export type CannedResponse = z.infer<typeof CannedResponse>;
export const CannedList = z.object({ responses: z.array(CannedResponse) });

/** `<CREDIT_CARD_1>`: a masked personal value in a transcript, split out so the console shows it as a labelled chip. */
export const MASK_TOKEN = /<([A-Z][A-Z_]*?)_(\d+)>/g;

/** Beside the conversation: codes and counts, no personal data (GET /api/agent/conversations/:id/context). */
export const ConversationContext = z.object({
  site: z.string(),
  siteName: z.string(),
  language: z.string().nullable(),
  consents: z.object({
    ai_local: z.boolean(),
    ai_cloud: z.boolean(),
    transcript_keep: z.boolean(),
    voice_input: z.boolean(),
  }),
  identity: z.enum(['verified', 'anonymous']),
  earlierConversations: z.number().int().nonnegative(),
  officeHours: z.object({ open: z.boolean(), nextOpen: z.string().nullable() }),
});
export type ConversationContext = z.infer<typeof ConversationContext>;
export const ContextAnswer = z.object({ context: ConversationContext });

/** Passages for the visitor's latest question, asked redacted; `citation` goes into the reply with the text. */
export const Suggestion = z.object({
  articleId: z.string(),
  title: z.string(),
  heading: z.string().nullable(),
  text: z.string(),
  confidence: z.number().min(0).max(1),
  citation: z.string(),
});
export type Suggestion = z.infer<typeof Suggestion>;
export const SuggestionsAnswer = z.object({ question: z.string().nullable(), suggestions: z.array(Suggestion) });

export const PRESENCE = ['available', 'away'] as const;
export type Presence = (typeof PRESENCE)[number];
/** Someone a conversation may be transferred to; `active`: the conversations they hold now. */
export const AgentOnDuty = z.object({
  id: z.string(),
  name: z.string(),
  presence: z.enum(PRESENCE),
  active: z.number().int().nonnegative(),
});
export type AgentOnDuty = z.infer<typeof AgentOnDuty>;
export const AgentsAnswer = z.object({ agents: z.array(AgentOnDuty) });
export const PresenceAnswer = z.object({ presence: z.enum(PRESENCE) });
export const SitesAnswer = z.object({
  sites: z.array(z.object({ id: z.string(), name: z.string(), languages: z.array(z.string()) })),
});
/** The signed-in agent's own conversations, each with the visitor messages they have not read. */
export const MineAnswer = z.object({
  conversations: z.array(AgentConversation.extend({ unread: z.number().int().nonnegative() })),
});
