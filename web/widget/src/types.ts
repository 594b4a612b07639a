// Shapes the widget reads from the server (docs/widget-protocol.md): the wire types of protocol/,
// shared with the server. Type-only exports vanish from the bundle; PURPOSES is a short list.
export { PURPOSES } from '../../../protocol/widget.ts';
export type {
  Attachment,
  ChatEvent,
  ConsentsView,
  ConversationState,
  ConversationView,
  Decisions,
  MessageView,
  Purpose,
  WidgetConfig,
} from '../../../protocol/widget.ts';
