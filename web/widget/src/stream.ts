// Live events: a WebSocket (hello frame with the token, never the URL), or, when the socket cannot
// open (a proxy that drops upgrades), an SSE stream read with fetch so the token travels in the
// Authorization header. Every (re)connection resumes after the last seq the widget holds.
import type { ChatEvent, ConversationView } from './types.ts';

export type StreamStatus = 'connecting' | 'open' | 'down';

export interface StreamOptions {
  base: string;
  token: () => string | null;
  after: () => number;
  onEvent: (event: ChatEvent) => void;
  onReady: (conversation: ConversationView | null) => void;
  onStatus: (status: StreamStatus) => void;
  /** the server refused the token or origin: reconnecting would not help */
  onFatal: (id: 'invalid_visitor_token' | 'origin_not_allowed') => void;
}

const MAX_BACKOFF_MS = 15_000;
const PING_MS = 25_000;

export class EventStream {
  private useSse = false;
  private attempt = 0;
  private stopped = true;
  private socket: WebSocket | null = null;
  private sseAbort: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ping: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly opts: StreamOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.ping) clearInterval(this.ping);
    this.socket?.close(1000);
    this.socket = null;
    this.sseAbort?.abort();
    this.sseAbort = null;
  }

  private connect(): void {
    if (this.stopped || !this.opts.token()) return;
    this.opts.onStatus('connecting');
    if (this.useSse) void this.connectSse();
    else this.connectWs();
  }

  private retry(): void {
    if (this.stopped) return;
    this.opts.onStatus('down');
    const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.attempt) * (0.75 + Math.random() * 0.5);
    this.attempt += 1;
    this.timer = setTimeout(() => this.connect(), delay);
  }

  private ready(conversation: ConversationView | null): void {
    this.attempt = 0;
    this.opts.onStatus('open');
    this.opts.onReady(conversation);
  }

  private connectWs(): void {
    let opened = false;
    let ws: WebSocket;
    try {
      ws = new WebSocket(`${this.opts.base.replace(/^http/, 'ws')}/api/widget/ws`);
    } catch {
      this.useSse = true;
      this.connect();
      return;
    }
    this.socket = ws;
    ws.onopen = () => {
      opened = true;
      ws.send(JSON.stringify({ type: 'hello', token: this.opts.token(), after: this.opts.after() }));
      this.ping = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('{"type":"ping"}'), PING_MS);
    };
    ws.onmessage = (e) => {
      let frame: { type: string; conversation?: ConversationView };
      try {
        frame = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (frame.type === 'ready') this.ready(frame.conversation ?? null);
      else if (frame.type !== 'pong' && frame.type !== 'ack') this.opts.onEvent(frame as ChatEvent);
    };
    ws.onclose = (e) => {
      if (this.ping) clearInterval(this.ping);
      if (this.socket !== ws || this.stopped) return;
      this.socket = null;
      if (e.code === 4401) return this.opts.onFatal('invalid_visitor_token');
      if (e.code === 4403) return this.opts.onFatal('origin_not_allowed');
      if (!opened) this.useSse = true; // the socket never opened: try SSE at once
      if (!opened && this.attempt === 0) this.connect();
      else this.retry();
    };
  }

  private async connectSse(): Promise<void> {
    const abort = new AbortController();
    this.sseAbort = abort;
    try {
      const res = await fetch(`${this.opts.base}/api/widget/events?after=${this.opts.after()}`, {
        headers: { Authorization: `Bearer ${this.opts.token()}`, Accept: 'text/event-stream' },
        mode: 'cors',
        credentials: 'omit',
        signal: abort.signal,
      });
      if (res.status === 401 || res.status === 410) return this.opts.onFatal('invalid_visitor_token');
      if (res.status === 403) return this.opts.onFatal('origin_not_allowed');
      if (!res.ok || !res.body) throw new Error(`sse ${res.status}`);
      this.ready(null);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value.replace(/\r\n?/g, '\n');
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const data = block
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(5).replace(/^ /, ''))
            .join('\n');
          if (data) this.dispatchSse(data);
        }
      }
    } catch {
      // the stream broke: fall through to a resume
    }
    if (this.sseAbort === abort && !abort.signal.aborted) this.retry();
  }

  private dispatchSse(data: string): void {
    try {
      const event = JSON.parse(data) as ChatEvent | { type: 'ready'; conversation: ConversationView };
      if (event.type === 'ready') this.opts.onReady(event.conversation);
      else this.opts.onEvent(event);
    } catch {
      // a malformed frame is skipped; the next resume fills any gap
    }
  }
}
