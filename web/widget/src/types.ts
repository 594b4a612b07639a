// Shapes the widget reads from the server (docs/widget-protocol.md). Events and message views are
// the server's own types; type-only imports vanish from the bundle.
import type { ChatEvent, ConversationView, MessageView } from '../../../server/chat/events.ts';

export type { ChatEvent, ConversationView, MessageView };

export type Purpose = 'ai_local' | 'ai_cloud' | 'transcript_keep' | 'voice_input';
export const PURPOSES: Purpose[] = ['ai_local', 'ai_cloud', 'transcript_keep', 'voice_input'];
export type Decisions = Record<Purpose, boolean>;

export interface WidgetConfig {
  site: {
    id: string;
    name: string;
    languages: string[];
    defaultLanguage: string;
    limits: { messageChars: number };
    attachments: { maxBytes: number; types: string[] };
  };
  consent: { version: string; language: string; hash: string; title: string; intro: string; purposes: { id: Purpose; text: string }[] };
  officeHours: { open: boolean; nextOpen: string | null };
}

export interface ConsentsView extends Partial<Decisions> {
  version?: string | null;
  language?: string | null;
}

export interface ConversationState {
  conversation: ConversationView;
  consents?: ConsentsView;
  messages: MessageView[];
  lastSeq: number;
  reply?: { id: string; text: string } | null;
}

export interface Attachment {
  id: string;
  mime: string;
  size: number;
}
