// Tests may talk to this machine only: any connection to a non-loopback address fails loudly,
// so a test can never reach (or silently depend on) an outside service.
import net from 'node:net';

const isLoopback = (host: string | undefined): boolean =>
  host === undefined ||
  host === 'localhost' ||
  host === '::1' ||
  host.startsWith('127.') ||
  host === '::ffff:127.0.0.1';

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
  const first = args[0];
  let host: string | undefined;
  if (typeof first === 'object' && first !== null && !Array.isArray(first)) {
    const opts = first as { host?: string; path?: string };
    if (opts.path) return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
    host = opts.host;
  } else if (typeof first === 'number') {
    host = typeof args[1] === 'string' ? (args[1] as string) : undefined;
  } else if (typeof first === 'string') {
    return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args); // unix socket path
  }
  if (!isLoopback(host)) throw new Error(`test network policy: connection to ${String(host)} refused (loopback only)`);
  return (originalConnect as (...a: unknown[]) => net.Socket).apply(this, args);
} as typeof net.Socket.prototype.connect;
