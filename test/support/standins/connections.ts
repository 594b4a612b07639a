// How a stand-in model server treats kept-alive connections, as real ones do: vLLM (uvicorn)
// closes a connection idle for 5 s and says nothing about it in its responses (no `Keep-Alive:
// timeout=` hint); a server behind a proxy that recycles connections drops a reused one before it
// answers. Either way the client's request on such a connection fails before any response byte.
import type http from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionBehaviour {
  /** a request that arrives on a connection that already carried one is cut before any response byte */
  dropReused: boolean;
  /** a connection idle this long after its last response is closed, without a hint (undefined: Node's own 5 s, with its hint) */
  idleCloseMs: number | undefined;
  /** requests cut by dropReused so far */
  dropped: number;
  /** connections the server accepted so far */
  accepted: number;
  /** connections the client closed while idle (it left before the server's idle close) */
  closedByClient: number;
}

export function connectionBehaviour(): ConnectionBehaviour {
  return { dropReused: false, idleCloseMs: undefined, dropped: 0, accepted: 0, closedByClient: 0 };
}

/**
 * Applies `b` to the server's connections; returns a check for the request handler: false when the
 * request was cut (the handler then does nothing).
 */
export function governConnections(server: http.Server, b: ConnectionBehaviour): (req: http.IncomingMessage) => boolean {
  const served = new WeakMap<Socket, number>();
  const idle = new WeakMap<Socket, NodeJS.Timeout | undefined>();
  const closedByServer = new WeakSet<Socket>();
  const nodeIdleMs = server.keepAliveTimeout;
  server.on('connection', (socket: Socket) => {
    b.accepted += 1;
    socket.once('end', () => {
      if (idle.has(socket) && !closedByServer.has(socket)) b.closedByClient += 1;
    });
    socket.once('close', () => clearTimeout(idle.get(socket)));
  });
  server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const socket = req.socket;
    clearTimeout(idle.get(socket));
    idle.delete(socket);
    const n = (served.get(socket) ?? 0) + 1;
    served.set(socket, n);
    if (b.dropReused && n > 1) {
      b.dropped += 1;
      socket.destroy();
      return;
    }
    // Node's own idle close sends a hint (`Keep-Alive: timeout=5`); this one does not.
    server.keepAliveTimeout = b.idleCloseMs === undefined ? nodeIdleMs : 0;
    const ms = b.idleCloseMs;
    res.once('finish', () => {
      const timer =
        ms === undefined
          ? undefined
          : setTimeout(() => {
              closedByServer.add(socket);
              socket.destroy();
            }, ms);
      idle.set(socket, timer);
    });
  });
  return (req) => !req.socket.destroyed;
}
