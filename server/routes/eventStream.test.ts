// eventStreamWriter on a real socket: frames in order, a full socket answers false until the
// caller reads (drain calls back), a failure ends with the failure frame, and a caller who hung
// up gets nothing more while the source runs on unheld.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventStreamWriter, type EventFramer, type EventStreamWriter } from './eventStream.ts';

const framer: EventFramer<string> = {
  first: 'data: first\n\n',
  frame: (e) => (e ? `data: ${e}\n\n` : ''),
  failed: (e) => `data: failed ${(e as Error).message}\n\n`,
  last: 'data: [DONE]\n\n',
};

let server: http.Server | undefined;
afterEach(
  () =>
    new Promise<void>((resolve) =>
      server ? (server.closeAllConnections(), server.close(() => resolve())) : resolve(),
    ),
);

/** A server whose one response is handed to `use`; answers its URL. */
async function serve(use: (writer: EventStreamWriter<string>, res: http.ServerResponse) => void) {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    use(eventStreamWriter(res, ['head'], framer), res);
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('eventStreamWriter', () => {
  it('writes the first frame, the head, each event (skipping empty frames) and the last frame', async () => {
    const url = await serve((w) => {
      w.push('a');
      w.push('');
      w.push('b');
      w.end();
    });
    expect(await (await fetch(url)).text()).toBe('data: first\n\ndata: head\n\ndata: a\n\ndata: b\n\ndata: [DONE]\n\n');
  });

  it('ends with the failure frame when the source fails', async () => {
    const url = await serve((w) => {
      w.push('a');
      w.fail(new Error('model dropped'));
    });
    expect(await (await fetch(url)).text()).toBe(
      'data: first\n\ndata: head\n\ndata: a\n\ndata: failed model dropped\n\n',
    );
  });

  it('answers false once the socket is full, and drain calls back only when the caller reads', async () => {
    const frame = 'x'.repeat(64 * 1024);
    const total = 2_000; // 128 MB: far beyond what the sockets buffer
    let pushed = 0;
    let held = 0;
    const url = await serve((w) => {
      const pump = () => {
        while (pushed < total) {
          pushed += 1;
          if (!w.push(frame)) {
            held += 1;
            return w.drain(pump);
          }
        }
        w.end();
      };
      pump();
    });
    const res = await new Promise<http.IncomingMessage>((resolve) => http.get(url, resolve));
    res.pause(); // the caller does not read
    await new Promise((r) => setTimeout(r, 200));
    const stalledAt = pushed;
    await new Promise((r) => setTimeout(r, 100));
    expect(pushed).toBe(stalledAt); // held: no drain while nobody reads
    expect(stalledAt).toBeLessThan(total);
    let bytes = 0;
    res.on('data', (b: Buffer) => void (bytes += b.length));
    res.resume();
    await new Promise((resolve) => res.on('end', resolve));
    expect(pushed).toBe(total);
    expect(held).toBeGreaterThan(1);
    expect(bytes).toBeGreaterThan(total * frame.length);
  });

  it('after the caller hung up nothing is written, and push never holds the source', async () => {
    let writer!: EventStreamWriter<string>;
    let response!: http.ServerResponse;
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((w, res) => {
      writer = w;
      response = res;
      res.on('close', () => closed());
    });
    const req = http.get(url, (res) => res.once('data', () => req.destroy()));
    await gone;
    const written = response.writableLength;
    expect(writer.push('x'.repeat(1 << 20))).toBe(true);
    let resumed = false;
    writer.drain(() => void (resumed = true));
    expect(resumed).toBe(true);
    writer.end();
    expect(response.writableLength).toBe(written);
  });
});
