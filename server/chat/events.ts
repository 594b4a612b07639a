// What the widget receives over the WebSocket or SSE (docs/widget-protocol.md, "Events"). Shapes
// only: text in these events goes to the visitor of that conversation alone, never to a log.

export type ChatRole = 'visitor' | 'assistant' | 'agent' | 'system';

export type Notice = 'model_failed' | 'handoff' | 'queued' | 'outside_hours' | 'agent_joined' | 'released' | 'closed' | 'transferred';

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
  attachments: { id: string; mime: string; size: number }[];
}

export interface ConversationView {
  id: string;
  site: string;
  status: 'open' | 'handoff' | 'closed';
  mode: 'ai' | 'queued' | 'agent' | 'closed';
  language: string | null;
  rating: number | null;
  officeHours: { open: boolean; nextOpen: string | null };
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
