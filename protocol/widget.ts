// The widget's wire: what it receives over the WebSocket or SSE and from the widget API
// (docs/widget-protocol.md). Shapes only, shared by server/ and web/ (type-only imports vanish
// from the widget's bundle). Text in these events goes to the visitor of that conversation alone,
// never to a log.

export type ChatRole = 'visitor' | 'assistant' | 'agent' | 'system';

export type Notice =
  'model_failed' | 'handoff' | 'queued' | 'outside_hours' | 'agent_joined' | 'released' | 'closed' | 'transferred';

export interface Attachment {
  id: string;
  mime: string;
  size: number;
}

export interface MessageView {
  id: string;
  seq: number;
  role: ChatRole;
  text: string;
  createdAt: string;
  clientId: string | null;
  sources: { articleId: string; title: string }[];
  feedback: boolean | null;
  notice: Notice | null;
  /** 'handoff': the answer offers a person (shown with Yes / No buttons) */
  offer: 'handoff' | null;
  agent: { name: string } | null;
  attachments: Attachment[];
}

export interface OfficeHoursView {
  open: boolean;
  nextOpen: string | null;
}

export interface ConversationView {
  id: string;
  site: string;
  status: 'open' | 'handoff' | 'closed';
  mode: 'ai' | 'queued' | 'agent' | 'closed';
  language: string | null;
  rating: number | null;
  officeHours: OfficeHoursView;
}

export type ChatEvent =
  | { type: 'message'; message: MessageView }
  | { type: 'reply_start'; replyId: string }
  | { type: 'delta'; replyId: string; text: string }
  /** dropped: the answer was not stored (a person took over, or the model failed midway) */
  | { type: 'reply_end'; replyId: string; dropped?: true }
  | { type: 'typing'; by: 'assistant' | 'agent' }
  | { type: 'state'; conversation: ConversationView }
  | { type: 'error'; clientId?: string; error: { id: string; message: string } };

/** What a visitor is asked to consent to, one decision each. */
export const PURPOSES = ['ai_local', 'ai_cloud', 'transcript_keep', 'voice_input'] as const;
export type Purpose = (typeof PURPOSES)[number];
export type Decisions = Record<Purpose, boolean>;

/** The consent decisions in force: never recorded means not granted (version null). */
export interface ConsentsView extends Partial<Decisions> {
  version?: string | null;
  language?: string | null;
}

/** GET /api/widget/config */
export interface WidgetConfig {
  site: {
    id: string;
    name: string;
    languages: string[];
    defaultLanguage: string;
    limits: { messageChars: number };
    attachments: { maxBytes: number; types: string[] };
  };
  consent: {
    version: string;
    language: string;
    hash: string;
    title: string;
    intro: string;
    purposes: { id: Purpose; text: string }[];
    /** the consent buttons' labels, in English: the widget's own strings take precedence */
    actions: { acceptAll: string; save: string; personOnly: string };
  };
  officeHours: OfficeHoursView;
}

/** GET /api/widget/conversation: the conversation as the widget resumes it. */
export interface ConversationState {
  conversation: ConversationView;
  consents?: ConsentsView;
  messages: MessageView[];
  lastSeq: number;
  reply?: { id: string; text: string } | null;
}
