// What a stand-in can be told to do to the next request(s): the faults real model servers show.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionBehaviour } from './connections.ts';

export type Fault =
  | { kind: 'slow'; firstChunkMs: number }
  | { kind: 'drop'; afterChunks: number }
  | { kind: 'status'; status: number; retryAfter?: string }
  | { kind: 'malformed'; afterChunks: number };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface StandIn {
  url: string;
  /** every request received, bodies verbatim */
  requests: RecordedRequest[];
  /** consumed in order, one per model call; empty = answer normally */
  faults: Fault[];
  /** chunks of the normal answer; default: echoes the last user message back in pieces */
  reply?: (lastUserText: string) => string[];
  /** delay between chunks (ms), for load tests */
  chunkDelayMs: number;
  /** how the server treats kept-alive connections (see connections.ts) */
  connections: ConnectionBehaviour;
  close(): Promise<void>;
}

export const defaultReply = (text: string): string[] => {
  const answer = `You said: ${text}`;
  const parts: string[] = [];
  for (let i = 0; i < answer.length; i += 5) parts.push(answer.slice(i, i + 5));
  return parts;
};

export async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const pause = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

/**
 * Writes the answer's parts one by one, obeying a `drop` (flush, then cut the socket) or
 * `malformed` (write a broken frame, end) fault at its chunk. Returns false when the fault ended
 * the response, so the caller writes no closing frames.
 */
export async function writeParts(
  res: http.ServerResponse,
  standIn: Pick<StandIn, 'chunkDelayMs'>,
  parts: string[],
  fault: Fault | undefined,
  frames: { part: (text: string) => string; malformed: string },
): Promise<boolean> {
  // Each part is due at a fixed time after the first (i × chunkDelayMs), as a model on its own GPU
  // host produces tokens at its own pace: a busy machine firing one timer late does not push every
  // later part back with it.
  const start = performance.now();
  for (let i = 0; i < parts.length; i += 1) {
    if (fault?.kind === 'drop' && i === fault.afterChunks) {
      await new Promise<void>((resolve) => res.write('', () => resolve())); // flush what was sent, then cut
      res.socket?.destroy();
      return false;
    }
    if (fault?.kind === 'malformed' && i === fault.afterChunks) {
      res.write(frames.malformed);
      res.end();
      return false;
    }
    await pause(standIn.chunkDelayMs > 0 ? start + (i + 1) * standIn.chunkDelayMs - performance.now() : 0);
    res.write(frames.part(parts[i]!));
  }
  return true;
}

/** Listens on a loopback port the system picks; answers its URL and how to close it (cutting open connections). */
export async function listenOnLoopback(server: http.Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}
