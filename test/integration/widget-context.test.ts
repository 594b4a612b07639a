// A visitor's long conversation through the chat path (the widget's API, the real gateway and
// knowledge base, the Ollama stand-in as the bank's GPU pool with a small window): the model is
// sent the system prompt with its knowledge-base passages, the newest turns that fit and the
// visitor's last message whole; Ollama is told the window; the model.request audit record says how
// many turns were left out. (Passages cut at a line end: gateway/model/context.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_OVERHEAD_TOKENS } from '../../gateway/model/context.ts';
import { estimateTokens } from '../../gateway/model/types.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { startOllamaStandIn, type OllamaStandIn } from '../support/standins/ollama.ts';
import { LOCAL_ONLY, policiesDir, readyVisitor, repliesSettled, sendMessage } from '../support/widget.ts';

const WINDOW = 900;
const ROUTING = `version: 1
targets:
  pool: { provider: ollama, model: llama-standin, location: local, contextTokens: ${WINDOW} }
context: { answerTokens: 100 }
rules:
  - { id: local-only, action: local, chain: [pool] }
`;

let server: TestServer;
let ollama: OllamaStandIn;
let policies: ReturnType<typeof policiesDir>;

beforeAll(async () => {
  ollama = await startOllamaStandIn();
  policies = policiesDir({ 'routing.yaml': ROUTING });
  server = await startTestServer(
    { RETENTION_INTERVAL_SECONDS: '0', PALISADE_POLICIES_DIR: policies.dir, OLLAMA_HOST: ollama.url },
    { seedDemoKnowledge: true },
  );
});
afterAll(async () => {
  await server?.stop();
  await ollama?.close();
  policies?.remove();
});

type Sent = { messages: { role: string; content: string }[]; options?: { num_ctx?: number } };

describe('a long conversation in the chat', () => {
  it('is fitted to the pool’s window: the system prompt and the last message whole, then the newest turns', async () => {
    const v = await readyVisitor(server, { decisions: LOCAL_ONLY });
    const asked: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const text =
        `How do I report a lost card and what does a replacement cost? (${i}) ${'Thank you for helping me with this. '.repeat(4)}`.trim();
      asked.push(text);
      expect((await sendMessage(v, text)).status).toBe(201);
      await repliesSettled(server);
    }
    const calls = ollama.requests.filter((r) => r.path === '/api/chat').map((r) => JSON.parse(r.body) as Sent);
    expect(calls).toHaveLength(6);
    const last = calls.at(-1)!;
    expect(last.options?.num_ctx).toBe(WINDOW);
    const [system, ...turns] = last.messages;
    expect(system!.role).toBe('system');
    expect(system!.content).toMatch(
      /^You are the customer-service assistant of .*Never ask for passwords, PINs or full card numbers\./s,
    );
    expect(turns.at(-1)).toEqual({ role: 'user', content: asked.at(-1) });
    // the earlier turns sent are the newest ones, in order: the visitor's questions and the stand-in's answers to them
    const earlier = turns.slice(0, -1);
    expect(earlier.length).toBeLessThan(10);
    expect(earlier.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(
      asked.slice(5 - earlier.filter((m) => m.role === 'user').length, 5),
    );
    const prompt = last.messages.reduce((n, m) => n + estimateTokens(m.content) + MESSAGE_OVERHEAD_TOKENS, 0);
    expect(prompt).toBeLessThanOrEqual(WINDOW - 100);

    expect(await server.models.auditSettled(5000)).toBe(true); // model.request records are queued (auditBatch.ts)
    const [audit] = (await server.deps.db.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'model.request' ORDER BY seq DESC LIMIT 1`,
    )) as { details: Record<string, unknown> }[];
    // The knowledge-base passages come before old turns: here they fit whole (each question has
    // its own search, so which passages differs from the first call; the instructions do not).
    const instructions = (content: string) => content.slice(0, content.indexOf('\n\n[1] '));
    expect(system!.content).toMatch(/\n\n\[1\] /);
    expect(instructions(system!.content)).toBe(instructions(calls[0]!.messages[0]!.content));
    expect(audit!.details).toMatchObject({
      target: 'pool',
      outcome: 'answered',
      contextTokens: WINDOW,
      turnsDropped: 10 - earlier.length,
      instructionsCut: false,
    });
    expect(earlier.length).toBeGreaterThan(0);
  });
});
