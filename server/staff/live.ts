// The staff realtime channel: one WebSocket per console (/api/staff/live) that workspaces subscribe
// to. A change is published with `publishStaffEvent(infra, event)`; each socket receives the events
// of the topics its role may read (server/auth/rules.ts), nothing else. Frames name the record that
// changed (an id), never its contents: the console reads it again through the audited API.
// The socket is authenticated by the console's access cookie and its Origin must be the appliance's
// own; the session row is checked again every SESSION_RECHECK_MS, so sign-out closes it.
// Events cross nodes over the cluster bus (server/cluster: PostgreSQL LISTEN/NOTIFY or Redis), so a
// console on one node sees the changes made through another.
import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { topic } from '../cluster/index.ts';
import type { Infra } from '../infra.ts';
import { can } from '../auth/rules.ts';
import { verifyAccessToken } from '../auth/tokens.ts';
import { channelClosed, channelOpened, channelSeen, nodeRestarted } from './presence.ts';
import { liveSessionRole } from './sessions.ts';
import type { Role } from '../db/entities.ts';
import { LIVE_TOPICS, type LiveEvent, type LiveTopic, TOPIC_OF } from '../../protocol/staff.ts';

export const STAFF_LIVE_PATH = '/api/staff/live';
const ACCESS_COOKIE = 'palisade_at';
const SESSION_RECHECK_MS = 30_000;
const MAX_FRAME_BYTES = 4096;
const FRAMES_PER_WINDOW = 30;
const FRAME_WINDOW_MS = 10_000;

export type StaffChange = Exclude<LiveEvent, { type: 'ready' } | { type: 'pong' }>;
type Listener = (event: StaffChange) => void;

/** Which topics a role may receive: the same rules that guard the records' read endpoints. */
export function topicsFor(role: Role): LiveTopic[] {
  const conversations = can(role, 'read', 'Conversation');
  // the supervisor's board counts the queue again when it changes (a queue frame names an id, nothing else)
  const queue = conversations || can(role, 'read', 'TeamStats');
  const readable: Record<LiveTopic, boolean> = {
    dsr: can(role, 'read', 'SubjectRequest'),
    hold: can(role, 'read', 'LegalHold'),
    queue,
    conversation: conversations,
    typing: conversations,
    agents: conversations,
  };
  return LIVE_TOPICS.filter((t) => readable[t]);
}

/** What crosses to other nodes: the change's type and the record's id, as the sockets send it. */
const StaffChangeSchema = z.object({
  type: z.enum([
    'dsr.changed',
    'hold.changed',
    'queue.changed',
    'conversation.changed',
    'conversation.typing',
    'agent.changed',
  ]),
  id: z.string().max(200),
});
const staffTopic = topic('staff', StaffChangeSchema);

interface Hub {
  listeners: Set<Listener>;
}
const hubs = new WeakMap<Infra, Hub>();
const hubOf = (infra: Infra): Hub => {
  let hub = hubs.get(infra);
  if (!hub) {
    const created: Hub = { listeners: new Set() };
    hubs.set(infra, (hub = created));
    // every change, this node's (delivered inside publish) and other nodes', reaches this node's sockets
    infra.cluster.bus.subscribe(staffTopic, (event) => {
      for (const listen of created.listeners) listen(event);
    });
  }
  return hub;
};

/** Tells every console subscribed to the event's topic, on every node, that a record changed. */
export function publishStaffEvent(infra: Infra, event: StaffChange): void {
  hubOf(infra);
  infra.cluster.bus.publish(staffTopic, event);
}

/** Subscribes on this node (the sockets, and tests); returns the unsubscribe function. */
export function subscribeStaffEvents(infra: Infra, listen: Listener): () => void {
  const hub = hubOf(infra);
  hub.listeners.add(listen);
  return () => void hub.listeners.delete(listen);
}

const cookieValue = (header: string | undefined, name: string): string | undefined => {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
};

/** The appliance's own origin only: PUBLIC_URL's, or the one the request was addressed to. */
export function originAllowed(
  infra: Infra,
  origin: string | undefined,
  host: string | undefined,
  secure: boolean,
): boolean {
  if (!origin) return false;
  if (origin === new URL(infra.config.publicUrl).origin) return true;
  return !!host && origin === `${secure ? 'https' : 'http'}://${host}`;
}

export interface StaffSockets {
  handleUpgrade(req: http.IncomingMessage, socket: import('node:stream').Duplex, head: Buffer): boolean;
  close(): void;
}

export function staffLiveSockets(infra: Infra): StaffSockets {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const log = infra.logger;
  // what this node held before it stopped is gone; a channel opened since is recorded after that
  const restarted = nodeRestarted(infra.db.dataSource, infra.nodeId).catch(() =>
    log.warn('staff.presence_failed', { nodeId: infra.nodeId }),
  );

  function serve(ws: WebSocket, role: Role, claims: { userId: string; sessionId: string }) {
    const topics = new Set(topicsFor(role));
    const send = (frame: LiveEvent) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(frame));
    const unsubscribe = subscribeStaffEvents(infra, (e) => topics.has(TOPIC_OF[e.type]) && send(e));
    // presence is best effort: the channel works without it, the board then shows the person offline
    const channelId = randomUUID();
    const presence = (work: () => Promise<void>) =>
      work().catch(() => log.warn('staff.presence_failed', { userId: claims.userId }));
    const opened = presence(async () => {
      await restarted;
      await channelOpened(infra.db.dataSource, {
        channelId,
        userId: claims.userId,
        nodeId: infra.nodeId,
        now: infra.now(),
      });
    });
    const recheck = setInterval(async () => {
      try {
        if (!(await liveSessionRole(infra.db.dataSource, claims, infra.now()))) ws.close(4401, 'session_revoked');
        else void presence(() => channelSeen(infra.db.dataSource, channelId, infra.now()));
      } catch {
        ws.close(1011, 'session check failed'); // fail closed: the console reconnects and is checked again
      }
    }, SESSION_RECHECK_MS);
    recheck.unref();
    let windowStart = Date.now();
    let frames = 0;
    ws.on('message', (data, isBinary) => {
      const now = Date.now();
      if (now - windowStart > FRAME_WINDOW_MS) [windowStart, frames] = [now, 0];
      if (++frames > FRAMES_PER_WINDOW) return ws.close(4429, 'too many frames');
      if (!isBinary && data.toString() === '{"type":"ping"}') send({ type: 'pong' });
    });
    ws.on('close', () => {
      clearInterval(recheck);
      unsubscribe();
      void opened.then(() => presence(() => channelClosed(infra.db.dataSource, channelId)));
    });
    ws.on('error', () => ws.terminate());
    send({ type: 'ready', topics: [...topics] });
    log.info('staff.live_opened', { userId: claims.userId, topics: topics.size });
  }

  const refuse = (socket: import('node:stream').Duplex, status: number, text: string) => {
    socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  };

  return {
    handleUpgrade(req, socket, head) {
      if ((req.url ?? '').split('?')[0] !== STAFF_LIVE_PATH) return false;
      const secure = infra.config.auth.cookieSecure || (req.socket as { encrypted?: boolean }).encrypted === true;
      if (!originAllowed(infra, req.headers.origin, req.headers.host, secure)) {
        refuse(socket, 403, 'Forbidden');
        return true;
      }
      const token = cookieValue(req.headers.cookie, ACCESS_COOKIE);
      void (async () => {
        const claims = token ? await verifyAccessToken(infra.secrets.jwtKey, token) : null;
        const role = claims
          ? await liveSessionRole(infra.db.dataSource, claims, infra.now()).catch(() => undefined)
          : undefined;
        if (!claims || !role) return refuse(socket, 401, 'Unauthorized');
        wss.handleUpgrade(req, socket, head, (ws) => serve(ws, role, claims));
      })().catch(() => refuse(socket, 500, 'Internal Server Error'));
      return true;
    },
    close() {
      for (const ws of wss.clients) ws.close(1001, 'server stopping');
      wss.close();
    },
  };
}
