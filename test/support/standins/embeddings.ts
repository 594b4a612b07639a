// A loopback stand-in for an OpenAI-compatible embeddings server (vLLM, Ollama's /v1, llama.cpp
// server): POST /v1/embeddings with `input` a string or a list, answered as api.openai.com answers
// ({object: 'list', data: [{object: 'embedding', index, embedding}], model, usage}), floats or
// base64 as `encoding_format` asks. Deterministic: a text's vector counts its words' concepts
// (`concepts`: word → one of the first dimensions; words that mean the same share one), other
// words hashed lightly into the rest, so nearness is decided by the test. Records every request.
import { createHash } from 'node:crypto';
import http from 'node:http';
import { listenOnLoopback, readBody, type RecordedRequest } from './faults.ts';

export const STANDIN_DIMS = 32;
const CONCEPT_DIMS = 16;

export interface EmbeddingsStandIn {
  url: string;
  requests: RecordedRequest[];
  /** word (lower case) → concept dimension (0..15) */
  concepts: Record<string, number>;
  /** answer the next requests with these statuses */
  failures: number[];
  close(): Promise<void>;
}

export function standInVector(text: string, concepts: Record<string, number>): number[] {
  const v = new Array<number>(STANDIN_DIMS).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    const concept = concepts[word];
    if (concept !== undefined) v[concept % CONCEPT_DIMS]! += 1;
    else v[CONCEPT_DIMS + (createHash('sha1').update(word).digest()[0]! % (STANDIN_DIMS - CONCEPT_DIMS))]! += 0.2;
  }
  return v;
}

export async function startEmbeddingsStandIn(concepts: Record<string, number> = {}): Promise<EmbeddingsStandIn> {
  const standIn: EmbeddingsStandIn = { url: '', requests: [], concepts, failures: [], close: async () => undefined };
  const server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    standIn.requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return void res.writeHead(404).end();
    const status = standIn.failures.shift();
    if (status) {
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `stand-in ${status}`, type: 'server_error', code: null } }));
      return;
    }
    const parsed = JSON.parse(body) as {
      model?: string;
      input?: string | string[];
      encoding_format?: 'float' | 'base64';
    };
    const inputs = typeof parsed.input === 'string' ? [parsed.input] : (parsed.input ?? []);
    const encode = (v: number[]) =>
      parsed.encoding_format === 'base64' ? Buffer.from(Float32Array.from(v).buffer).toString('base64') : v;
    const tokens = inputs.reduce((a, t) => a + Math.ceil(t.length / 4), 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        object: 'list',
        data: inputs.map((t, index) => ({
          object: 'embedding',
          index,
          embedding: encode(standInVector(t, standIn.concepts)),
        })),
        model: parsed.model ?? 'embed-standin',
        usage: { prompt_tokens: tokens, total_tokens: tokens },
      }),
    );
  });
  Object.assign(standIn, await listenOnLoopback(server));
  return standIn;
}
