// A loopback stand-in for Ollama's API: POST /api/chat streams NDJSON lines as `ollama serve`
// does (message deltas, then a `done: true` line with counts), GET /api/version for health
// checks, GET /api/tags. Records every request; faults come from `faults`.
import http from 'node:http';
import { connectionBehaviour, governConnections } from './connections.ts';
import { defaultReply, listenOnLoopback, pause, readBody, type StandIn, writeParts } from './faults.ts';

export interface OllamaStandIn extends StandIn {
  /** false: /api/version answers 503 (the host is unhealthy) */
  healthy: boolean;
}

export async function startOllamaStandIn(): Promise<OllamaStandIn> {
  const standIn: OllamaStandIn = {
    url: '',
    requests: [],
    faults: [],
    chunkDelayMs: 0,
    connections: connectionBehaviour(),
    healthy: true,
    close: async () => undefined,
  };
  const server = http.createServer(async (req, res) => {
    if (!live(req)) return;
    const body = await readBody(req);
    standIn.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    if (req.url === '/api/version')
      return void res
        .writeHead(standIn.healthy ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ version: '0.6.0' }));
    if (req.url === '/api/tags')
      return void res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ models: [{ name: 'llama-standin:latest', model: 'llama-standin:latest' }] }));
    if (req.method !== 'POST' || req.url !== '/api/chat') return void res.writeHead(404).end();
    const parsed = JSON.parse(body) as { model?: string; messages?: { role: string; content: string }[] };
    const fault = standIn.faults.shift();
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      return void res.end(JSON.stringify({ error: `stand-in ${fault.status}` }));
    }
    if (fault?.kind === 'slow') await pause(fault.firstChunkMs);
    const last = [...(parsed.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
    const parts = (standIn.reply ?? defaultReply)(last);
    const model = parsed.model ?? 'llama-standin';
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const frame = (o: Record<string, unknown>) =>
      `${JSON.stringify({ model, created_at: new Date().toISOString(), ...o })}\n`;
    const finished = await writeParts(res, standIn, parts, fault, {
      part: (content) => frame({ message: { role: 'assistant', content }, done: false }),
      malformed: '{"model":"x","message":{"content":\n',
    });
    if (!finished) return;
    res.write(
      frame({
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        total_duration: 1,
        load_duration: 0,
        prompt_eval_count: Math.ceil(last.length / 4),
        prompt_eval_duration: 1,
        eval_count: parts.length,
        eval_duration: 1,
      }),
    );
    res.end();
  });
  const live = governConnections(server, standIn.connections);
  Object.assign(standIn, await listenOnLoopback(server));
  return standIn;
}
