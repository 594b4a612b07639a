// The pipeline with scripted model clients: redaction before routing, fail-closed, retries per
// failure class, fallback order, cooldown, cancellation, typed timeouts, streaming rehydration and
// an audit record that holds counts, never text.
import { describe, expect, it } from 'vitest';
import type { RedactionEngine } from '../redaction/engine.ts';
import { InMemoryVaultStore, VaultConflict } from '../redaction/vault-store.ts';
import { parseRoutingPolicy } from '../routing/policy.ts';
import { ProviderError, ProviderTimeout, RequestCancelled } from './errors.ts';
import { createGateway, type ChatRequest } from './gateway.ts';
import type { ModelClient } from './types.ts';
import { answer, ask, collect, redaction, routing, scripted, setup, type Step } from './gateway.testkit.ts';

const PII = 'My name is Alice Smith and my email is alice.smith@example.com, why was I charged twice?';

describe('gateway pipeline', () => {
  it('sends only redacted text and rehydrates placeholders split across deltas', async () => {
    const a = scripted('local', [answer('Dear <PER', 'SON_1>, we wrote to <EMAIL', '_1>.')]);
    const { gateway, audits } = setup({ ollama: a.client });
    const { text, end } = await collect(gateway.chat(ask(PII)));
    expect(JSON.stringify(a.seen)).not.toMatch(/Alice|alice\.smith/);
    expect(a.seen[0]!.messages[0]!.content).toContain('<PERSON_1>');
    expect(text).toBe('Dear Alice Smith, we wrote to alice.smith@example.com.');
    expect(end).toMatchObject({ outcome: 'answered' });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      provider: 'ollama',
      model: 'm-a',
      route: 'local',
      ruleId: 'default',
      policyHash: routing.hash,
      outcome: 'answered',
      tokensIn: 5,
      tokensOut: 3,
      attempts: 1,
    });
    expect(audits[0]!.entityCounts).toMatchObject({ PERSON: 1, EMAIL: 1 });
    expect(JSON.stringify(audits)).not.toMatch(/Alice|alice|charged/);
  });

  it("sends the caller's instructions first and as given, and still redacts every message", async () => {
    const a = scripted('local', [answer('Done.')]);
    const { gateway, audits } = setup({ ollama: a.client });
    const instructions = 'You are the assistant of Demo Bank. [1] Lost card: call the hotline.';
    await collect(gateway.chat(ask(PII, { instructions })));
    expect(a.seen[0]!.messages[0]).toEqual({ role: 'system', content: instructions });
    expect(a.seen[0]!.messages[1]!.content).toContain('<PERSON_1>');
    expect(JSON.stringify(a.seen)).not.toMatch(/Alice|alice\.smith/);
    // only the messages were counted: the instructions are not analysed
    expect(audits[0]!.entityCounts).toEqual({ PERSON: 1, EMAIL: 1 });
  });

  it('fails closed: a failing redaction sends nothing and hands over to a human', async () => {
    const a = scripted('local', [answer('x')]);
    const broken: RedactionEngine = {
      redact: async () => ({ ok: false, error: { id: 'analyzer_failed', message: 'boom' } }),
    };
    const { gateway, audits } = setup({ ollama: a.client }, { engine: broken });
    const { end, text } = await collect(gateway.chat(ask(PII, { cloudAllowed: true })));
    expect(a.calls()).toBe(0);
    expect(text).toBe('');
    expect(end).toMatchObject({ outcome: 'human', reason: 'redaction_failed' });
    expect(audits[0]).toMatchObject({ outcome: 'human', failure: 'redaction_failed', provider: null });
  });

  it('retries a 5xx on the same target, then falls back in chain order', async () => {
    const err = new ProviderError('server_error', 'HTTP 500', undefined, 500);
    const a = scripted('local', [[{ fail: err }]]);
    const b = scripted('local', [answer('from b')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client });
    const { text } = await collect(gateway.chat(ask('hello')));
    expect(text).toBe('from b');
    expect(a.calls()).toBe(3); // 1 + retries.serverError (2)
    expect(audits[0]).toMatchObject({ provider: 'llamacpp', attempts: 4, outcome: 'answered' });
  });

  it('honours a rate limit retry once, then succeeds on the same target', async () => {
    const a = scripted('local', [[{ fail: new ProviderError('rate_limit', 'HTTP 429', 1, 429) }], answer('ok')]);
    const { gateway } = setup({ ollama: a.client });
    expect((await collect(gateway.chat(ask('hi')))).text).toBe('ok');
    expect(a.calls()).toBe(2);
  });

  it('never falls back from local to cloud without consent: nothing left means a human', async () => {
    const down = new ProviderError('unavailable', 'down');
    const a = scripted('local', [[{ fail: down }]]);
    const b = scripted('local', [[{ fail: down }]]);
    const c = scripted('cloud', [answer('cloud')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client, openai: c.client });
    const { end } = await collect(gateway.chat(ask('hello')));
    expect(c.calls()).toBe(0);
    expect(end).toMatchObject({ outcome: 'human', reason: 'all_targets_failed:unavailable' });
    expect(audits[0]).toMatchObject({ outcome: 'human', failure: 'all_targets_failed' });
  });

  it('with consent the rule may fall back to the cloud, with redacted text only', async () => {
    const down = new ProviderError('unavailable', 'down');
    const a = scripted('local', [[{ fail: down }]]);
    const b = scripted('local', [[{ fail: down }]]);
    const c = scripted('cloud', [answer('cloud answer')]);
    const { gateway } = setup({ ollama: a.client, llamacpp: b.client, openai: c.client });
    const { text } = await collect(gateway.chat(ask(PII, { cloudAllowed: true })));
    expect(text).toBe('cloud answer');
    expect(JSON.stringify(c.seen)).not.toMatch(/Alice|alice\.smith/);
  });

  it('a first-token timeout is a typed ProviderTimeout, retried per policy, then the next target', async () => {
    const a = scripted('local', [[{ hangMs: 5000 }]]);
    const b = scripted('local', [answer('b')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client });
    expect((await collect(gateway.chat(ask('hi')))).text).toBe('b');
    expect(a.calls()).toBe(2); // 1 + retries.timeout (1)
    expect(audits[0]!.attempts).toBe(3);
  });

  it('a failure after text was delivered is raised, not silently replaced by another model', async () => {
    const a = scripted('local', [[{ type: 'delta', text: 'partial ' }, { hangMs: 5000 }]]);
    const b = scripted('local', [answer('b')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client });
    await expect(collect(gateway.chat(ask('hi')))).rejects.toBeInstanceOf(ProviderTimeout);
    expect(b.calls()).toBe(0);
    expect(audits[0]).toMatchObject({ outcome: 'failed', failure: 'timeout' });
  });

  it('cancellation by AbortSignal stops generation and is audited as cancelled', async () => {
    const a = scripted('local', [
      [{ type: 'delta', text: 'one ' }, { hangMs: 5000 }, { type: 'delta', text: 'never' }],
    ]);
    const { gateway, audits } = setup({ ollama: a.client });
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const e of gateway.chat(ask('hi', { signal: controller.signal }))) {
        if (e.type === 'delta') {
          seen.push(e.text);
          controller.abort();
        }
      }
    })();
    await expect(run).rejects.toBeInstanceOf(RequestCancelled);
    expect(seen.join('')).not.toContain('never');
    expect(audits[0]).toMatchObject({ outcome: 'cancelled' });
  });

  it('leaving chat() early stops the model and is audited as cancelled, before the leave returns', async () => {
    const a = scripted('local', [
      [{ type: 'delta', text: 'one ' }, { hangMs: 5000 }, { type: 'delta', text: 'never' }],
    ]);
    const { gateway, audits } = setup({ ollama: a.client });
    const started = performance.now();
    for await (const e of gateway.chat(ask('hi'))) if (e.type === 'delta') break;
    expect(performance.now() - started).toBeLessThan(2_000); // the hang was cut, not waited out
    expect(audits).toHaveLength(1); // written by the time the loop's break returned
    expect(audits[0]).toMatchObject({ outcome: 'cancelled', targetId: 'a' });
  });

  it('stream() pushes the same events chat() gives, and settles after the audit record', async () => {
    const script = [answer('Dear <PER', 'SON_1>, ', 'yes.')];
    const viaChat = setup({ ollama: scripted('local', script).client });
    const expected = (await collect(viaChat.gateway.chat(ask(PII)))).events;
    const viaStream = setup({ ollama: scripted('local', script).client });
    const pushed: unknown[] = [];
    await viaStream.gateway.stream(ask(PII), { event: (e) => void pushed.push(e) });
    expect(viaStream.audits).toHaveLength(1);
    expect(pushed).toEqual(expected);
    expect(
      pushed
        .filter((e) => (e as { type: string }).type === 'delta')
        .map((e) => (e as { text: string }).text)
        .join(''),
    ).toBe('Dear Alice Smith, yes.');
  });

  it('a chat() consumer that reads slowly holds the model: it is not read far ahead', async () => {
    let pulled = 0;
    const many: ModelClient = {
      locations: ['local'],
      models: async () => [],
      async *stream() {
        for (let i = 0; i < 200; i += 1) {
          pulled += 1;
          yield { type: 'delta', text: `${i} ` };
        }
        yield { type: 'end', usage: { tokensIn: 1, tokensOut: 200 }, finishReason: 'stop' };
      },
    };
    const { gateway } = setup({ ollama: many });
    const events = gateway.chat(ask('hi'));
    for (let i = 0; i < 4; i += 1) await events.next(); // route, target, two deltas
    await new Promise((r) => setTimeout(r, 50));
    expect(pulled).toBeLessThan(40); // held near the queue's limit (16), not all 200
    const rest = await collect(events);
    expect(rest.end).toMatchObject({ outcome: 'answered' });
    expect(pulled).toBe(200);
  });

  it('puts a target that keeps failing into cooldown and skips it', async () => {
    const a = scripted('local', [[{ fail: new ProviderError('bad_response', 'malformed') }]]);
    const b = scripted('local', [answer('b')]);
    const { gateway } = setup({ ollama: a.client, llamacpp: b.client });
    for (let i = 0; i < 5; i += 1) expect((await collect(gateway.chat(ask('hi')))).text).toBe('b');
    expect(a.calls()).toBe(3); // cooldown.failures
    expect(b.calls()).toBe(5);
  });

  it('a fallback is on the record and in the end event: the target passed over, its failure and cause; a resting target names its rest', async () => {
    const reset = new ProviderError('unavailable', 'connection failed', undefined, undefined, 'connection_reset');
    const a = scripted('local', [[{ fail: reset }]]);
    const b = scripted('local', [answer('b')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client });
    const first = await collect(gateway.chat(ask('hi')));
    expect(first.end).toMatchObject({
      outcome: 'answered',
      fallback: { from: 'a', failure: 'unavailable', cause: 'connection_reset' },
    });
    expect(audits[0]).toMatchObject({
      targetId: 'b',
      attempts: 4,
      fallback: { from: 'a', failure: 'unavailable', cause: 'connection_reset' },
    });
    for (let i = 0; i < 2; i += 1) await collect(gateway.chat(ask('hi')));
    await collect(gateway.chat(ask('hi')));
    expect(audits[3]).toMatchObject({
      targetId: 'b',
      attempts: 1,
      fallback: { from: 'a', failure: 'cooldown', cause: 'connection_reset' },
    });
    expect(gateway.fallbacks()).toEqual({ connection_reset: 4 });
    const clean = setup({ ollama: scripted('local', [answer('a')]).client });
    expect((await collect(clean.gateway.chat(ask('hi')))).end).not.toHaveProperty('fallback');
    expect(clean.audits[0]!.fallback).toBeNull();
  });

  it('concurrent failures of one event count once toward the cooldown', async () => {
    const cut: Step[] = [{ hangMs: 20 }, { fail: new ProviderError('bad_response', 'cut') }];
    const a = scripted('local', [cut, cut, cut, cut, cut, answer('a')]);
    const b = scripted('local', [answer('b')]);
    const { gateway } = setup({ ollama: a.client, llamacpp: b.client });
    const burst = await Promise.all(Array.from({ length: 5 }, () => collect(gateway.chat(ask('hi')))));
    expect(burst.every((r) => r.text === 'b')).toBe(true);
    expect((await collect(gateway.chat(ask('hi')))).text).toBe('a'); // not resting: the burst was one failure
  });

  it('keeps one vault per conversation: the same person gets the same placeholder next turn', async () => {
    const a = scripted('local', [answer('ok')]);
    const { gateway } = setup({ ollama: a.client });
    await collect(gateway.chat(ask('I am Alice Smith.', { conversationId: 'c1' })));
    await collect(gateway.chat(ask('Bob Jones here, friend of Alice Smith.', { conversationId: 'c1' })));
    expect(a.seen[1]!.messages[0]!.content).toMatch(/<PERSON_2>.*<PERSON_1>/);
  });

  it("redacts a conversation's earlier turns once: later turns reuse them, with the same placeholders and counts", async () => {
    const redacted: string[] = [];
    const counting: RedactionEngine = { ...redaction, redact: (r) => (redacted.push(r.text), redaction.redact(r)) };
    const a = scripted('local', [answer('ok')]);
    const { gateway, audits } = setup({ ollama: a.client }, { engine: counting });
    const first = { role: 'user' as const, content: 'My name is Alice Smith, card 4111 1111 1111 1111.' };
    await collect(gateway.chat({ ...ask('x', { conversationId: 'memo' }), messages: [first] }));
    const second = [
      first,
      { role: 'assistant' as const, content: 'Thanks.' },
      { role: 'user' as const, content: 'Still blocked.' },
    ];
    await collect(gateway.chat({ ...ask('x', { conversationId: 'memo' }), messages: second }));
    expect(redacted.filter((t) => t === first.content)).toHaveLength(1);
    expect(a.seen[1]!.messages[0]!.content).toBe(a.seen[0]!.messages[0]!.content);
    expect(a.seen[1]!.messages[0]!.content).not.toContain('4111 1111 1111 1111');
    expect(a.seen[1]!.messages[0]!.content).not.toContain('Alice');
    // routing still counts the personal data of the memoised turn
    expect(audits[1]!.entityCounts.CREDIT_CARD).toBe(1);
    // another conversation with the same words is redacted on its own
    await collect(gateway.chat({ ...ask('x', { conversationId: 'other' }), messages: [first] }));
    expect(redacted.filter((t) => t === first.content)).toHaveLength(2);
  });

  it('does not memoise turns whose vault could not be saved', async () => {
    const redacted: string[] = [];
    const counting: RedactionEngine = { ...redaction, redact: (r) => (redacted.push(r.text), redaction.redact(r)) };
    const a = scripted('local', [answer('ok')]);
    let failSave = true;
    const vaults = new InMemoryVaultStore();
    const gateway = createGateway({
      clients: { ollama: a.client },
      policy: () => routing,
      redaction: counting,
      audit: { modelRequest: async () => undefined },
      vaults: {
        load: (id) => vaults.load(id),
        save: async (id, snap, rev) => {
          if (failSave) throw new VaultConflict(id);
          return vaults.save(id, snap, rev);
        },
      },
    });
    const first = { role: 'user' as const, content: 'I am Bob Jones.' };
    await expect(collect(gateway.chat({ ...ask('x', { conversationId: 'c' }), messages: [first] }))).rejects.toThrow(
      VaultConflict,
    );
    failSave = false;
    await collect(gateway.chat({ ...ask('x', { conversationId: 'c' }), messages: [first] }));
    expect(redacted.filter((t) => t === first.content)).toHaveLength(2);
  });
});

describe('a caller naming a target', () => {
  const ask = (over: Partial<ChatRequest>): ChatRequest => ({
    messages: [{ role: 'user', content: 'How do I block my card?' }],
    cloudAllowed: true,
    ...over,
  });

  it('narrows the route to that target alone; a cloud target a local rule keeps as a fallback stays one', async () => {
    const a = scripted('local', [answer('from a')]);
    const b = scripted('local', [answer('from b')]);
    const c = scripted('cloud', [answer('from c')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client, openai: c.client });

    const viaB = await collect(gateway.chat(ask({ target: 'b' })));
    expect(viaB.text).toBe('from b');
    expect(viaB.events.find((e) => e.type === 'route')).toMatchObject({
      decision: { ruleId: 'consented', chain: [{ id: 'b' }] },
    });
    expect(a.calls()).toBe(0);

    const viaC = await collect(gateway.chat(ask({ target: 'c' })));
    expect(viaC.end).toMatchObject({ outcome: 'human', reason: 'target_not_in_route' });
    expect(c.calls()).toBe(0);
    expect(audits.at(-1)).toMatchObject({ outcome: 'human', failure: 'target_not_in_route', targetId: null });

    // Without cloud consent the route has no cloud target at all.
    expect((await collect(gateway.chat(ask({ target: 'c', cloudAllowed: false })))).end).toMatchObject({
      reason: 'target_not_in_route',
    });
    expect(c.calls()).toBe(0);
  });

  it('on a cloud route the cloud target may be named; a target outside the chain may not', async () => {
    const policy = parseRoutingPolicy(`version: 1
targets:
  a: { provider: ollama, model: m-a, location: local }
  b: { provider: llamacpp, model: m-b, location: local }
  c: { provider: openai, model: m-c, location: cloud }
rules:
  - { id: cloud-first, when: { cloudAllowed: true }, action: cloud, chain: [c, a] }
  - { id: default, action: local, chain: [a] }
`);
    const a = scripted('local', [answer('from a')]);
    const b = scripted('local', [answer('from b')]);
    const c = scripted('cloud', [answer('from c')]);
    const { gateway } = setup({ ollama: a.client, llamacpp: b.client, openai: c.client }, { policy });
    expect((await collect(gateway.chat(ask({ target: 'c' })))).text).toBe('from c');
    expect((await collect(gateway.chat(ask({ target: 'b' })))).end).toMatchObject({
      outcome: 'human',
      reason: 'target_not_in_route',
    });
    expect(b.calls()).toBe(0);
    expect(a.calls()).toBe(0);
  });

  it('a named target that fails is not replaced by another one', async () => {
    const a = scripted('local', [[{ fail: new ProviderError('server_error', 'HTTP 500') }]]);
    const b = scripted('local', [answer('from b')]);
    const { gateway, audits } = setup({ ollama: a.client, llamacpp: b.client });
    const r = await collect(gateway.chat(ask({ target: 'a', cloudAllowed: false })));
    expect(r.end).toMatchObject({ outcome: 'human' });
    expect(b.calls()).toBe(0);
    expect(audits.at(-1)).toMatchObject({ targetId: 'a', failure: 'all_targets_failed' });
  });
});
