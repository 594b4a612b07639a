// The floor under the gateway benchmark's added latency: a bare pass-through proxy on node:http
// that forwards the request to the model server and each body chunk back as it comes (no
// authentication, parsing, redaction, routing or audit). It pays what any Node.js proxy that
// forwards a streamed answer token by token pays on this machine: a read and a write per token,
// the HTTP parser and streams. Measured with the same load generator, against the same stand-in,
// its added latency and event-loop time per request show how much of the gateway's are its own.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export async function startBareProxy(upstream: string): Promise<{ url: string; close(): Promise<void> }> {
  const agent = new http.Agent({ keepAlive: true });
  const target = new URL(upstream);
  const server = http.createServer((req, res) => {
    const body: Buffer[] = [];
    req.on('data', (b: Buffer) => body.push(b));
    req.on('end', () => {
      const payload = Buffer.concat(body);
      const out = http.request(
        {
          host: target.hostname,
          port: target.port,
          path: `${target.pathname.replace(/\/$/, '')}${req.url!.replace(/^\/v1/, '')}`,
          method: req.method,
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': payload.length,
            authorization: req.headers.authorization ?? '',
          },
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, {
            'content-type': answer.headers['content-type'] ?? 'text/event-stream',
          });
          answer.on('data', (chunk: Buffer) => res.write(chunk));
          answer.on('end', () => res.end());
        },
      );
      out.on('error', () => res.destroy());
      out.end(payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), agent.destroy(), server.close(() => resolve()))),
  };
}
