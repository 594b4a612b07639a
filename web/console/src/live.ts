// The staff realtime channel (/api/staff/live): one socket for the console, opened after sign-in
// and closed at sign-out; workspaces subscribe to a topic and read the changed record again.
// Reconnects with a growing pause; after a reconnect, subscribers are told to read everything again.
import { signal } from '@preact/signals';
import { LiveEvent, type LiveTopic, TOPIC_OF } from '../../../protocol/staff.ts';

type Listener = (id: string | null) => void;
const listeners = new Map<LiveTopic, Set<Listener>>();
export const liveState = signal<'off' | 'connecting' | 'live'>('off');

let socket: WebSocket | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let pause = 1000;
let wanted = false;

const notify = (topic: LiveTopic, id: string | null) => listeners.get(topic)?.forEach((l) => l(id));

function open(): void {
  liveState.value = 'connecting';
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/staff/live`);
  socket = ws;
  ws.onmessage = (m) => {
    const parsed = LiveEvent.safeParse(JSON.parse(String(m.data)));
    if (!parsed.success) return;
    const e = parsed.data;
    if (e.type === 'ready') {
      const wasLive = pause > 1000;
      liveState.value = 'live';
      pause = 1000;
      if (wasLive) for (const topic of e.topics) notify(topic, null); // missed while away: read all again
    } else if (e.type !== 'pong') notify(TOPIC_OF[e.type], e.id);
  };
  ws.onclose = () => {
    if (socket === ws) socket = null;
    liveState.value = 'off';
    if (!wanted) return;
    retry = setTimeout(open, pause);
    pause = Math.min(pause * 2, 30_000);
  };
}

export function startLive(): void {
  wanted = true;
  if (!socket) open();
}

export function stopLive(): void {
  wanted = false;
  clearTimeout(retry);
  socket?.close(1000);
  socket = null;
  liveState.value = 'off';
}

/** Calls `listen` with the id of each changed record of `topic` (null: anything may have changed). */
export function subscribe(topic: LiveTopic, listen: Listener): () => void {
  let set = listeners.get(topic);
  if (!set) listeners.set(topic, (set = new Set()));
  set.add(listen);
  return () => void set.delete(listen);
}
