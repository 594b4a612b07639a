// Requests from a chosen loopback source address (127.0.0.0/8 is all loopback on Linux): the server
// sees each address as a different client, with no proxy header to trust.
import http from 'node:http';

export interface SourcedResponse<T> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

export function postFrom<T = Record<string, unknown>>(
  server: { url: string },
  localAddress: string,
  path: string,
  body: unknown,
): Promise<SourcedResponse<T>> {
  const url = new URL(server.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path,
        localAddress,
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
