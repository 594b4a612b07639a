// A loopback stand-in for OpenAI's chat completions API: SSE chunks exactly as api.openai.com
// sends them (`data: {chat.completion.chunk}` … usage chunk … `data: [DONE]`), non-stream JSON,
// and GET /v1/models. Records every request; faults come from `faults`.
import http from 'node:http';
import { connectionBehaviour, governConnections } from './connections.ts';
import { defaultReply, listenOnLoopback, pause, readBody, type StandIn, writeParts } from './faults.ts';

interface ChatBody {
  model?: string;
  stream?: boolean;
  messages?: { role: string; content: string }[];
}

/** `record: false` keeps no requests (a long load run would otherwise hold every body). */
export async function startOpenAIStandIn(opts: { record?: boolean } = {}): Promise<StandIn> {
  let seq = 0;
  const standIn: StandIn = {
    url: '',
    requests: [],
    faults: [],
    chunkDelayMs: 0,
    connections: connectionBehaviour(),
    close: async () => undefined,
  };
  const server = http.createServer(async (req, res) => {
    if (!live(req)) return;
    const body = await readBody(req);
    if (opts.record !== false)
      standIn.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    if (req.method === 'GET' && req.url === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          object: 'list',
          data: [{ id: 'gpt-standin', object: 'model', created: 0, owned_by: 'standin' }],
        }),
      );
      return;
    }
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return void res.writeHead(404).end();
    const parsed = JSON.parse(body) as ChatBody;
    const fault = standIn.faults.shift();
    if (fault?.kind === 'status') {
      res.writeHead(fault.status, {
        'content-type': 'application/json',
        ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}),
      });
      res.end(JSON.stringify({ error: { message: `stand-in ${fault.status}`, type: 'server_error', code: null } }));
      return;
    }
    const last = [...(parsed.messages ?? [])].reverse().find((m) => m.role === 'user')?.content ?? '';
    const parts = (standIn.reply ?? defaultReply)(last);
    const id = `chatcmpl-standin${(seq += 1)}`;
    const model = parsed.model ?? 'gpt-standin';
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: Math.ceil(last.length / 4),
      completion_tokens: parts.length,
      total_tokens: Math.ceil(last.length / 4) + parts.length,
    };
    if (fault?.kind === 'slow') await pause(fault.firstChunkMs);
    if (!parsed.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id,
          object: 'chat.completion',
          created,
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: parts.join('') }, finish_reason: 'stop' }],
          usage,
        }),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (delta: Record<string, string>, finish: string | null) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    const finished = await writeParts(res, standIn, parts, fault, {
      part: (content) => chunk({ content }, null),
      malformed: 'data: {"id":"broken","choices":[{"delta":{"content":\n\n',
    });
    if (!finished) return;
    res.write(chunk({}, 'stop'));
    res.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`,
    );
    res.end('data: [DONE]\n\n');
  });
  const live = governConnections(server, standIn.connections);
  Object.assign(standIn, await listenOnLoopback(server));
  return standIn;
}
