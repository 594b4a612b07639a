// A small visitor client, used the way the widget uses the API: open a session, answer the consent
// screen, send messages, and listen over the WebSocket or SSE. For integration tests, the e2e
// tests and the benchmark.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { ChatEvent, ConversationView, MessageView } from '../../protocol/widget.ts';
import { api, type ApiResponse } from './server.ts';

export type Decisions = { ai_local: boolean; ai_cloud: boolean; transcript_keep: boolean; voice_input: boolean };
export const ALL_GRANTED: Decisions = { ai_local: true, ai_cloud: true, transcript_keep: true, voice_input: true };
export const LOCAL_ONLY: Decisions = { ai_local: true, ai_cloud: false, transcript_keep: false, voice_input: false };
export const NONE_GRANTED: Decisions = { ai_local: false, ai_cloud: false, transcript_keep: false, voice_input: false };

interface Server {
  url: string;
}

export interface Visitor {
  server: Server;
  token: string;
  conversation: ConversationView;
  site: string;
  language: string;
  /** sent as Origin on every call when set */
  origin?: string;
}

const headersOf = (v: Pick<Visitor, 'origin'>, extra: Record<string, string> = {}) => ({
  ...(v.origin ? { Origin: v.origin } : {}),
  ...extra,
});

/** A call with the visitor's token (and Origin, when the visitor has one). */
export function visitorApi<T = Record<string, unknown>>(
  v: Visitor,
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  return api<T>(v.server, method, `/api/widget${path}`, {
    token: v.token,
    body: opts.body,
    headers: headersOf(v, opts.headers),
  });
}

/** POST /api/widget/sessions; throws unless 201. */
export async function openVisitor(
  server: Server,
  opts: {
    site?: string;
    language?: string;
    origin?: string;
    identity?: { customerId: string; signature: string };
  } = {},
): Promise<Visitor> {
  const site = opts.site ?? 'retail';
  const language = opts.language ?? 'en';
  const res = await api<{ token: string; conversation: ConversationView }>(server, 'POST', '/api/widget/sessions', {
    body: { site, language, ...(opts.identity ? { identity: opts.identity } : {}) },
    headers: headersOf(opts),
  });
  if (res.status !== 201) throw new Error(`session failed: ${res.status} ${res.text}`);
  return {
    server,
    token: res.body.token,
    conversation: res.body.conversation,
    site,
    language,
    ...(opts.origin ? { origin: opts.origin } : {}),
  };
}

/** Reads the consent text the config answers and records these decisions; throws unless 200. */
export async function answerConsent(v: Visitor, decisions: Decisions): Promise<Record<string, unknown>> {
  const config = await api<{ consent: { version: string; hash: string; language: string } }>(
    v.server,
    'GET',
    `/api/widget/config?site=${v.site}&lang=${v.language}`,
    { headers: headersOf(v) },
  );
  const { version, hash, language } = config.body.consent;
  const res = await visitorApi(v, 'PUT', '/consents', { body: { version, hash, language, decisions } });
  if (res.status !== 200) throw new Error(`consent failed: ${res.status} ${res.text}`);
  return res.body;
}

/** A session with its consent answered (all granted unless told otherwise). */
export async function readyVisitor(
  server: Server,
  opts: Parameters<typeof openVisitor>[1] & { decisions?: Decisions } = {},
): Promise<Visitor> {
  const v = await openVisitor(server, opts);
  await answerConsent(v, opts.decisions ?? ALL_GRANTED);
  return v;
}

export function sendMessage(v: Visitor, text: string, opts: { clientId?: string; attachmentIds?: string[] } = {}) {
  return visitorApi<{ message: MessageView; duplicate: boolean; error?: { id: string } }>(v, 'POST', '/messages', {
    body: {
      clientId: opts.clientId ?? randomUUID(),
      text,
      ...(opts.attachmentIds ? { attachmentIds: opts.attachmentIds } : {}),
    },
  });
}

/** Live events of one connection, with a way to wait for the one a test needs. */
export interface EventLog {
  events: ChatEvent[];
  /** resolves with the first event (already received or coming) that matches; rejects after timeoutMs */
  waitFor<E extends ChatEvent = ChatEvent>(match: (e: ChatEvent) => boolean, timeoutMs?: number): Promise<E>;
  /** the committed messages received, in order */
  messages(): MessageView[];
}

function eventLog(): EventLog & { push(e: ChatEvent): void } {
  const events: ChatEvent[] = [];
  const waiters = new Set<{ match: (e: ChatEvent) => boolean; resolve: (e: ChatEvent) => void }>();
  return {
    events,
    push(e) {
      events.push(e);
      for (const w of [...waiters])
        if (w.match(e)) {
          waiters.delete(w);
          w.resolve(e);
        }
    },
    waitFor<E extends ChatEvent>(match: (e: ChatEvent) => boolean, timeoutMs = 15_000) {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen as E);
      return new Promise<E>((resolve, reject) => {
        const w = { match, resolve: (e: ChatEvent) => (clearTimeout(timer), resolve(e as E)) };
        const timer = setTimeout(
          () => (
            waiters.delete(w),
            reject(new Error(`no matching event within ${timeoutMs} ms; got ${events.map((x) => x.type).join(',')}`))
          ),
          timeoutMs,
        );
        waiters.add(w);
      });
    },
    messages: () => events.flatMap((e) => (e.type === 'message' ? [e.message] : [])),
  };
}

export const isMessage = (pred: (m: MessageView) => boolean) => (e: ChatEvent) =>
  e.type === 'message' && pred(e.message);

export interface WidgetSocket extends EventLog {
  ws: WebSocket;
  /** the `ready` frame */
  ready: Promise<{ conversation: ConversationView; lastSeq: number }>;
  /** every frame as received, ready/ack/pong included */
  frames: Record<string, unknown>[];
  send(frame: Record<string, unknown>): void;
  /** sends a message frame and resolves with its ack (or error) frame */
  sendMessage(text: string, clientId?: string): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** The widget's resume cursor: the end of the unbroken run of seqs held (web/widget/src/chat.ts). */
export function resumeCursor(held: Map<number, MessageView>): number {
  if (held.size === 0) return 0;
  let seq = Math.min(...held.keys());
  while (held.has(seq + 1)) seq += 1;
  return seq;
}

/** Opens /api/widget/ws and says hello with the token (never in the URL). */
export function connectSocket(
  v: Pick<Visitor, 'server' | 'token' | 'origin'>,
  opts: { after?: number; hello?: boolean } = {},
): WidgetSocket {
  const ws = new WebSocket(`${v.server.url.replace(/^http/, 'ws')}/api/widget/ws`, { headers: headersOf(v) });
  const log = eventLog();
  const frames: Record<string, unknown>[] = [];
  let readyResolve!: (r: { conversation: ConversationView; lastSeq: number }) => void;
  const ready = new Promise<{ conversation: ConversationView; lastSeq: number }>((r) => (readyResolve = r));
  const acks = new Map<string, (f: Record<string, unknown>) => void>();
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  ws.on('open', () => {
    if (opts.hello !== false) ws.send(JSON.stringify({ type: 'hello', token: v.token, after: opts.after ?? 0 }));
  });
  ws.on('error', () => undefined);
  ws.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as Record<string, unknown>;
    frames.push(frame);
    if (frame.type === 'ready') readyResolve(frame as never);
    else if (frame.type === 'ack' || (frame.type === 'error' && frame.clientId))
      acks.get(frame.clientId as string)?.(frame);
    if (frame.type !== 'ready' && frame.type !== 'ack' && frame.type !== 'pong') log.push(frame as ChatEvent);
  });
  const send = (frame: Record<string, unknown>) => {
    const go = () => ws.send(JSON.stringify(frame));
    if (ws.readyState === WebSocket.OPEN) go();
    else ws.once('open', go);
  };
  return {
    ...log,
    ws,
    ready,
    frames,
    send,
    sendMessage(text, clientId = randomUUID()) {
      return new Promise((resolve) => {
        acks.set(clientId, resolve);
        send({ type: 'send', clientId, text });
      });
    },
    closed,
    close: () => ws.close(),
  };
}

export interface EventStream extends EventLog {
  status: number;
  /** raw SSE text received so far */
  raw(): string;
  close(): void;
}

/** GET /api/widget/events as a browser's EventSource would; parses `data:` frames. */
export async function openEventStream(
  v: Visitor,
  opts: { after?: number; lastEventId?: string } = {},
): Promise<EventStream> {
  const controller = new AbortController();
  const res = await fetch(
    `${v.server.url}/api/widget/events${opts.after !== undefined ? `?after=${opts.after}` : ''}`,
    {
      headers: {
        Authorization: `Bearer ${v.token}`,
        Accept: 'text/event-stream',
        ...headersOf(v),
        ...(opts.lastEventId ? { 'Last-Event-ID': opts.lastEventId } : {}),
      },
      signal: controller.signal,
    },
  );
  const log = eventLog();
  let raw = '';
  if (res.body) {
    void (async () => {
      const decoder = new TextDecoder();
      let pending = '';
      try {
        for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
          const text = decoder.decode(chunk, { stream: true });
          raw += text;
          pending += text;
          let cut: number;
          while ((cut = pending.indexOf('\n\n')) >= 0) {
            const block = pending.slice(0, cut);
            pending = pending.slice(cut + 2);
            const data = block
              .split('\n')
              .filter((l) => l.startsWith('data: '))
              .map((l) => l.slice(6))
              .join('\n');
            if (data) {
              const e = JSON.parse(data) as ChatEvent | { type: 'ready' };
              if (e.type !== 'ready') log.push(e as ChatEvent);
            }
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  }
  return { ...log, status: res.status, raw: () => raw, close: () => controller.abort() };
}

/**
 * A policies directory for PALISADE_POLICIES_DIR: the shipped files, with the ones named replaced
 * (e.g. a routing.yaml that points at the stand-ins, a sites.yaml with a second site).
 */
export function policiesDir(replace: Record<string, string>): { dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-policies-'));
  const shipped = path.resolve(import.meta.dirname, '../../policies');
  for (const f of fs.readdirSync(shipped)) fs.copyFileSync(path.join(shipped, f), path.join(dir, f));
  for (const [f, text] of Object.entries(replace)) fs.writeFileSync(path.join(dir, f), text);
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves once the server has no reply job running (the answer, notice or handoff is committed). */
export async function repliesSettled(server: { chat: { replies: { idle(): Promise<void> } } }): Promise<void> {
  await server.chat.replies.idle();
}
