// The widget API's answers as zod schemas, for the OpenAPI document and the tests that check real
// answers against it. The widget itself reads the plain types in widget.ts (no zod in its bundle);
// the checks at the end fail to compile when the two drift apart.
import { z } from 'zod';
import {
  PURPOSES,
  type ConsentsView,
  type ConversationState,
  type ConversationView,
  type MessageView,
  type WidgetConfig,
} from './widget.ts';

const OfficeHours = z.object({ open: z.boolean(), nextOpen: z.string().nullable() });

export const Conversation = z.object({
  id: z.string(),
  site: z.string(),
  status: z.enum(['open', 'handoff', 'closed']),
  mode: z.enum(['ai', 'queued', 'agent', 'closed']),
  language: z.string().nullable(),
  rating: z.number().int().nullable(),
  officeHours: OfficeHours,
});

const NOTICES = [
  'model_failed',
  'handoff',
  'queued',
  'outside_hours',
  'agent_joined',
  'released',
  'closed',
  'transferred',
] as const;

export const Message = z.object({
  id: z.string(),
  seq: z.number().int(),
  role: z.enum(['visitor', 'assistant', 'agent', 'system']),
  text: z.string(),
  createdAt: z.string(),
  clientId: z.string().nullable(),
  sources: z.array(z.object({ articleId: z.string(), title: z.string() })),
  feedback: z.boolean().nullable(),
  notice: z.enum(NOTICES).nullable(),
  offer: z.literal('handoff').nullable(),
  agent: z.object({ name: z.string() }).nullable(),
  attachments: z.array(z.object({ id: z.string(), mime: z.string(), size: z.number().int() })),
});

export const Consents = z.object({
  ...(Object.fromEntries(PURPOSES.map((p) => [p, z.boolean().optional()])) as Record<
    (typeof PURPOSES)[number],
    z.ZodOptional<z.ZodBoolean>
  >),
  version: z.string().nullable().optional(),
  language: z.string().nullable().optional(),
});

export const Config = z.object({
  site: z.object({
    id: z.string(),
    name: z.string(),
    languages: z.array(z.string()),
    defaultLanguage: z.string(),
    limits: z.object({ messageChars: z.number().int() }),
    attachments: z.object({ maxBytes: z.number().int(), types: z.array(z.string()) }),
  }),
  consent: z.object({
    version: z.string(),
    language: z.string(),
    hash: z.string(),
    title: z.string(),
    intro: z.string(),
    purposes: z.array(z.object({ id: z.enum(PURPOSES), text: z.string() })),
    actions: z.object({ acceptAll: z.string(), save: z.string(), personOnly: z.string() }),
  }),
  officeHours: OfficeHours,
});

export const State = z.object({
  conversation: Conversation,
  consents: Consents.optional(),
  messages: z.array(Message),
  lastSeq: z.number().int(),
  reply: z.object({ id: z.string(), text: z.string() }).nullable().optional(),
});

export const SessionAnswer = z.object({ token: z.string(), conversation: Conversation });
export const ConversationAnswer = z.object({ conversation: Conversation });
export const ConsentsAnswer = z.object({ consents: Consents });
export const MessageAnswer = z.object({ message: Message, duplicate: z.boolean() });
export const MessageOnly = z.object({ message: Message });
export const AttachmentAnswer = z.object({
  attachment: z.object({ id: z.string(), mime: z.string(), size: z.number().int() }),
});

// Compile-time: each schema's type is the interface the widget reads, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const same = <T extends true>(): T => true as T;
same<Same<z.infer<typeof Conversation>, ConversationView>>();
same<Same<z.infer<typeof Message>, MessageView>>();
same<Same<z.infer<typeof Consents>, ConsentsView>>();
same<Same<z.infer<typeof State>, ConversationState>>();
same<Same<z.infer<typeof Config>, WidgetConfig>>();
