// Live events to the widget: the WebSocket (/api/widget/ws) and the SSE fallback share one way of
// joining a conversation. Subscribe first, buffer live events while the backlog is read, then send
// ready → the backlog after `after` → the answer still streaming (its text so far) → the buffer,
// dropping what the backlog or that text already held. Nothing is lost and nothing repeats.
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AppError, databaseUnavailable, internalError, validationFailed } from '../errors.ts';
import { badTextIn } from '../wellFormedText.ts';
import { isDatabaseUnavailable } from '../db/unavailable.ts';
import { conversationView, chatTransaction } from './env.ts';
import type { ChatEvent, ConversationView } from '../../protocol/widget.ts';
import { loadConversation, readConversationMessages } from './messages.ts';
import { presentMessage } from './present.ts';
import { SendMessage } from '../../protocol/widgetSchemas.ts';
import type { ChatService, Visitor } from './service.ts';
import { invalidVisitorToken } from './tokens.ts';
import { createRelay, type Relay, resumeGate } from './resume.ts';
import { sharedReply, streamingNow } from './streaming.ts';

export const WS_PATH = '/api/widget/ws';
const HELLO_TIMEOUT_MS = 10_000;
/** small: a frame is a hello, a send (text up to the site's limit) or a ping */
const MAX_FRAME_BYTES = 256 * 1024;
/** A client sending more frames than this per window is flooding: closed with 4429. */
const FRAMES_PER_WINDOW = 40;
const FRAME_WINDOW_MS = 10_000;

export { resumeGate } from './resume.ts';

/**
 * Joins a conversation: returns the frames to send first (ready's contents, backlog, in-flight
 * reply, buffered events) and the unsubscribe function; `deliver` gets every later event.
 */
export async function joinConversation(
  service: ChatService,
  visitor: Visitor,
  after: number,
  deliver: (e: ChatEvent) => void,
  requestId?: string,
  broken: (error: unknown) => void = () => {},
): Promise<{
  conversation: ConversationView;
  lastSeq: number;
  first: ChatEvent[];
  unsubscribe: () => void;
  live(): void;
}> {
  let buffer: ({ type: 'committed'; seq: number } | ChatEvent)[] | null = [];
  let relay: Relay | null = null;
  const unsubscribe = service.hub.subscribe(
    visitor.conversationId,
    (e) => (buffer ? buffer.push(e) : relay!.push(e)),
    (seq) => (buffer ? buffer.push({ type: 'committed', seq }) : relay!.push({ type: 'committed', seq })),
  );
  const actor = { type: 'visitor' as const, id: visitor.subjectId };
  try {
    const { conversation, messages, elsewhere } = await chatTransaction(
      service,
      actor,
      'chat.resume',
      async (ctx) => {
        const c = await loadConversation(ctx, visitor.conversationId);
        return {
          conversation: c,
          messages: await readConversationMessages(ctx, c, { after }),
          elsewhere: await sharedReply(service, ctx, c),
        };
      },
      requestId,
    );
    // From here to the end all is synchronous: no event can slip between the snapshot and going live.
    const lastSeq = Math.max(after, conversation.lastSeq, ...messages.map((m) => m.seq));
    const first: ChatEvent[] = messages.map((m) => ({ type: 'message', message: presentMessage(m) }));
    const gate = resumeGate(lastSeq, new Set(messages.filter((m) => m.role === 'assistant').map((m) => m.id)));
    const streaming = streamingNow(service.hub, visitor.conversationId, elsewhere, messages);
    if (streaming) {
      first.push({ type: 'reply_start', replyId: streaming.id });
      if (streaming.text) first.push({ type: 'delta', replyId: streaming.id, text: streaming.text });
      gate.startReply(streaming.id);
    }
    // Until the caller has sent `first`, what the relay lets through joins it.
    relay = createRelay({
      gate,
      sink: (e) => first.push(e),
      readAfter: (from) =>
        chatTransaction(
          service,
          actor,
          'chat.resume',
          (ctx) => readConversationMessages(ctx, conversation, { after: from }),
          requestId,
        ).then((rows) => rows.map(presentMessage)),
      broken,
    });
    for (const e of buffer) {
      // Pieces of the streaming answer published before the snapshot are in its text already.
      if ((e.type === 'reply_start' || e.type === 'delta') && e.replyId === streaming?.id) continue;
      relay.push(e);
    }
    buffer = null;
    const r = relay;
    return {
      conversation: conversationView(service, conversation),
      lastSeq,
      first,
      unsubscribe,
      live: () => void (r.sink = deliver),
    };
  } catch (error) {
    unsubscribe();
    throw error;
  }
}

const errorFrame = (error: unknown, clientId?: string): ChatEvent => {
  // A saturated or unreachable database is "retry shortly" (the widget retries with the same
  // clientId), as the HTTP error handler says it; anything else unexpected stays opaque.
  const e =
    error instanceof AppError && error.status < 500
      ? error
      : isDatabaseUnavailable(error)
        ? databaseUnavailable()
        : internalError();
  return { type: 'error', ...(clientId ? { clientId } : {}), error: { id: e.id, message: e.message } };
};

/** The client's address as Koa's ctx.ip reads it: X-Forwarded-For's first entry only behind a trusted proxy. */
export function clientIp(req: http.IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy
    ? String(req.headers['x-forwarded-for'] ?? '')
        .split(',')[0]
        ?.trim()
    : '';
  return forwarded || req.socket.remoteAddress || 'unknown';
}

interface WsOptions {
  /** the client's address, as the HTTP side sees it (X-Forwarded-For only behind a trusted proxy) */
  ipOf(req: http.IncomingMessage): string;
}

export interface WidgetSockets {
  /** handles the upgrade when it is for the widget; false: not ours */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): void;
}

export function widgetSockets(service: ChatService, opts: WsOptions): WidgetSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES, perMessageDeflate: false });
  const log = service.deps.logger;

  function serve(ws: WebSocket, req: http.IncomingMessage, socket: Duplex) {
    // Frames sent in one turn of the event loop (an answer's deltas, an ack and its message) leave
    // in one write: the socket is corked at the first and uncorked when the turn is over.
    let corked = false;
    const send = (e: ChatEvent | { type: string; [k: string]: unknown }) => {
      if (ws.readyState !== ws.OPEN) return;
      if (!corked) {
        corked = true;
        socket.cork();
        process.nextTick(() => {
          corked = false;
          socket.uncork();
        });
      }
      ws.send(JSON.stringify(e));
    };
    let token: string | undefined;
    let visitor: Visitor | undefined;
    /** set by hello; a send waits for the join to finish so its ack never precedes `ready` */
    let joined: Promise<boolean> | null = null;
    let unsubscribe: (() => void) | null = null;
    const helloTimer = setTimeout(() => ws.close(4408, 'no hello'), HELLO_TIMEOUT_MS);
    ws.on('close', () => {
      clearTimeout(helloTimer);
      unsubscribe?.();
      unsubscribe = null;
    });
    ws.on('error', () => ws.terminate());
    // Two numbers per connection, not a bucket map: a thousand idle sockets cost next to nothing.
    let windowStart = Date.now();
    let framesInWindow = 0;
    ws.on('message', async (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart > FRAME_WINDOW_MS) [windowStart, framesInWindow] = [now, 0];
      if (++framesInWindow > FRAMES_PER_WINDOW) return ws.close(4429, 'too many frames');
      let frame: {
        type?: unknown;
        token?: unknown;
        after?: unknown;
        clientId?: unknown;
        text?: unknown;
        attachmentIds?: unknown;
      };
      try {
        const parsed: unknown = isBinary ? {} : JSON.parse(data.toString());
        frame = parsed && typeof parsed === 'object' ? (parsed as typeof frame) : {};
      } catch {
        // Before hello, anything that is not a hello (a broken one included) ends the socket.
        if (!joined) return ws.close(4401, 'hello first');
        return send(errorFrame(new AppError(400, 'malformed_json', 'A frame is not valid JSON.')));
      }
      if (!joined) {
        if (frame.type !== 'hello') return ws.close(4401, 'hello first');
        clearTimeout(helloTimer);
        token = typeof frame.token === 'string' ? frame.token : undefined;
        joined = hello(Number.isSafeInteger(frame.after) && (frame.after as number) >= 0 ? (frame.after as number) : 0);
        return;
      }
      if (frame.type === 'ping') return send({ type: 'pong' });
      if (!(await joined)) return;
      if (frame.type === 'send') return sendFrame(frame);
      send(errorFrame(new AppError(400, 'unknown_frame', 'Frames are hello, send and ping.')));
    });

    async function sendFrame(frame: { clientId?: unknown; text?: unknown; attachmentIds?: unknown }) {
      const clientId = typeof frame.clientId === 'string' ? frame.clientId : undefined;
      try {
        const bad = badTextIn({ clientId, text: frame.text }, '(frame)');
        if (bad) throw validationFailed([bad]);
        const parsed = SendMessage.safeParse({ clientId, text: frame.text, attachmentIds: frame.attachmentIds });
        if (!parsed.success)
          throw new AppError(400, 'validation_failed', 'The frame is not valid: clientId and text are needed.');
        // The token was verified at hello; its expiry is checked per message, and the send itself
        // checks that the subject still exists and owns the conversation (an erased visitor's open
        // socket sends nothing more).
        if (!visitor || (visitor.expiresAt !== undefined && Date.now() >= visitor.expiresAt))
          throw invalidVisitorToken();
        const result = await service.send({ visitor, input: parsed.data, ip: opts.ipOf(req) });
        send({ type: 'ack', clientId: parsed.data.clientId, message: result.message, duplicate: result.duplicate });
      } catch (error) {
        if (!(error instanceof AppError && error.status < 500))
          log.warn('chat.ws_send_failed', {
            error: error instanceof Error ? error.name : 'unknown',
            databaseUnavailable: isDatabaseUnavailable(error),
          });
        send(errorFrame(error, clientId));
      }
    }

    async function hello(after: number): Promise<boolean> {
      try {
        visitor = await service.authenticate(token);
        if (!service.originAllowed(visitor.siteConfig, req.headers.origin, req.headers.host)) {
          ws.close(4403, 'origin not allowed');
          return false;
        }
        const join = await joinConversation(
          service,
          visitor,
          after,
          (e) => send(e),
          undefined,
          () => ws.close(1011, 'resume'),
        );
        if (ws.readyState !== ws.OPEN) {
          join.unsubscribe();
          return false;
        }
        unsubscribe = join.unsubscribe;
        send({ type: 'ready', conversation: join.conversation, lastSeq: join.lastSeq });
        for (const e of join.first) send(e);
        join.live();
        return true;
      } catch (error) {
        if (error instanceof AppError && error.status < 500) ws.close(4401, error.id);
        else {
          log.error('chat.ws_hello_failed', { error: error instanceof Error ? error.name : 'unknown' });
          ws.close(1011, 'internal error');
        }
        return false;
      }
    }
  }

  return {
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? '').split('?')[0];
      if (path !== WS_PATH) return false;
      wss.handleUpgrade(req, socket, head, (ws) => serve(ws, req, socket));
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.close(1001, 'server stopping');
      wss.close();
    },
  };
}
