// Prometheus metrics on a real server: chat through the widget API and WebSocket, /v1 through the
// openai client to a loopback GPU pool, then a scrape, parsed: the counters moved, the labels are
// route templates and codes, and nothing a visitor wrote (nor an id, nor an address) is in them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOpenAiApiFixture, type OpenAiApiFixture } from '../support/openaiApi.ts';
import { api } from '../support/server.ts';
import { connectSocket, isMessage, readyVisitor, sendMessage } from '../support/widget.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123456789abcdef';
const SECRETS = ['Alice', 'alice.smith', 'example.com', 'block my card', 'Hendrik', '+49 30', '/api/widget/messages?'];

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format (0.0.4), one sample a line. */
function parse(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return samples;
}

const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);

let fx: OpenAiApiFixture;
let listener: string;
let tokenDir: string;

beforeAll(async () => {
  tokenDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-metrics-'));
  const tokenFile = path.join(tokenDir, 'metrics.token');
  fs.writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  fx = await startOpenAiApiFixture({ METRICS_LISTEN: '127.0.0.1:0', METRICS_TOKEN_FILE: tokenFile });
  const line = fx.server.logs().find((l) => l.message === 'metrics.listening' || l.event === 'metrics.listening');
  expect(line?.loopback).toBe(true);
  listener = `http://127.0.0.1:${String(line!.port)}`;
});
afterAll(async () => {
  await fx?.stop();
  fs.rmSync(tokenDir, { recursive: true, force: true });
});

const scrape = async (base: string, token: string | null = TOKEN) => {
  const res = await fetch(`${base}/metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('GET /metrics', () => {
  it('answers only the bearer of the token, on the public port and on its own listener', async () => {
    for (const base of [fx.server.url, listener]) {
      expect((await scrape(base, null)).status).toBe(401);
      expect((await scrape(base, 'x'.repeat(48))).status).toBe(401);
      const ok = await scrape(base);
      expect(ok.status).toBe(200);
      expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    }
    // The listener serves nothing else.
    expect((await fetch(`${listener}/healthz`)).status).toBe(404);
  });

  it('counts chat, /v1, redaction, knowledge and audit without a word of what was said', async () => {
    const visitor = await readyVisitor(fx.server);
    const socket = connectSocket(visitor);
    await socket.ready;
    const whileOpen = parse((await scrape(listener)).text);
    expect(sum(whileOpen, 'palisade_chat_connections')).toBeGreaterThanOrEqual(1);

    const sent = await sendMessage(visitor, 'I am Alice Smith, alice.smith@example.com. How do I block my card?');
    expect(sent.status).toBe(201);
    await socket.waitFor(
      isMessage((m) => m.role === 'assistant'),
      20_000,
    );
    socket.close();

    // One 503 from the GPU pool: an error, a retry on the same target, then the answer.
    fx.gpu.faults.push({ kind: 'status', status: 503 });
    const completion = await fx.client(fx.localKey).chat.completions.create({
      model: 'palisade',
      messages: [{ role: 'user', content: 'Hendrik here, +49 30 1234567, how do I block my card?' }],
    });
    expect(completion.choices[0]?.message.content).toContain('Hendrik');
    expect(
      (await api(fx.server, 'GET', `/api/widget/conversations/${visitor.conversation.id}/nothing-here`)).status,
    ).toBe(404);
    await fx.server.models.auditSettled(5000);

    const text = (await scrape(listener)).text;
    const s = parse(text);
    const http = 'palisade_http_request_duration_seconds_count';
    expect(sum(s, http, { method: 'POST', route: '/v1/chat/completions', status: '200' })).toBe(1);
    expect(sum(s, http, { method: 'POST', route: '/api/widget/messages', status: '201' })).toBe(1);
    expect(sum(s, http, { route: 'unmatched', status: '404' })).toBeGreaterThanOrEqual(1);
    expect(sum(s, 'palisade_chat_messages_total', { role: 'visitor' })).toBe(1);
    expect(sum(s, 'palisade_chat_messages_total', { role: 'assistant' })).toBe(1);
    expect(sum(s, 'palisade_chat_first_token_seconds_count')).toBe(1);
    expect(sum(s, 'palisade_knowledge_answers_total')).toBe(1);
    expect(sum(s, 'palisade_gateway_requests_total', { target: 'gpu-pool', outcome: 'answered' })).toBe(2);
    expect(sum(s, 'palisade_gateway_first_token_seconds_count', { target: 'gpu-pool' })).toBe(2);
    expect(sum(s, 'palisade_gateway_tokens_total', { target: 'gpu-pool', direction: 'out' })).toBeGreaterThan(0);
    expect(sum(s, 'palisade_gateway_errors_total', { target: 'gpu-pool' })).toBe(1);
    expect(sum(s, 'palisade_gateway_retries_total', { target: 'gpu-pool' })).toBe(1);
    expect(sum(s, 'palisade_redaction_entities_total', { type: 'PERSON' })).toBeGreaterThanOrEqual(2);
    expect(sum(s, 'palisade_redaction_entities_total', { type: 'EMAIL' })).toBe(1);
    expect(sum(s, 'palisade_audit_seal_passes_total', { result: 'ok' })).toBeGreaterThan(0);
    expect(s.some((x) => x.name === 'palisade_audit_unsealed_events')).toBe(true);
    expect(s.some((x) => x.name === 'process_cpu_user_seconds_total')).toBe(true);
    expect(sum(s, 'palisade_chat_connections')).toBe(0);

    // Labels: templates, codes and names only.
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    expect(text).not.toContain(visitor.conversation.id);
    expect(text).not.toContain(visitor.token);
    const labelValues = s.flatMap((x) => Object.values(x.labels));
    expect(labelValues.filter((v) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(v) || /@/.test(v))).toEqual([]);
  });
});
