import { describe, expect, it } from 'vitest';
import { createRedactionEngine, type RedactionEngine } from './engine.ts';
import { parseRedactionPolicy, type RedactionPolicy } from './policy.ts';
import { createRegexAnalyzer } from './testing/regex-analyzer.ts';
import type { Analyzer, AnalyzeResult, DetectedEntity } from './types.ts';
import { rehydrate } from './rehydrate.ts';
import { Vault } from './vault.ts';

const hmacKey = new Uint8Array(32).fill(1);
const policyOf = (overrides: Record<string, unknown> = {}): RedactionPolicy =>
  parseRedactionPolicy({ version: 1, default: { operator: 'placeholder', threshold: 0.5 }, ...overrides });
const engineWith = (
  overrides: Record<string, unknown> = {},
  analyzer: Analyzer = createRegexAnalyzer(),
  audience: 'model' | 'person' = 'model',
): RedactionEngine => createRedactionEngine({ analyzer, policy: policyOf(overrides), hmacKey, audience });
const fixed =
  (entities: DetectedEntity[]): Analyzer =>
  async () => ({ ok: true, lang: 'en', entities });

describe('redaction engine', () => {
  it('replaces findings with stable placeholders across turns and reports original offsets', async () => {
    const engine = engineWith();
    const vault = new Vault();
    const text = 'Hi, I am Alice Smith, mail alice@example.com or call +44 7700 900123.';
    const first = await engine.redact({ text, vault });
    expect(first).toMatchObject({ ok: true, text: 'Hi, I am <PERSON_1>, mail <EMAIL_1> or call <PHONE_1>.' });
    if (!first.ok) throw new Error('unreachable');
    expect(first.entities.map((e) => text.slice(e.start, e.end))).toEqual([
      'Alice Smith',
      'alice@example.com',
      '+44 7700 900123',
    ]);
    expect(first.counts).toMatchObject({ PERSON: 1, EMAIL: 1, PHONE: 1, IBAN: 0 });

    const second = await engine.redact({
      text: 'Bob Jones here, on behalf of alice smith (ALICE@example.com).',
      vault,
    });
    expect(second).toMatchObject({ ok: true, text: '<PERSON_2> here, on behalf of <PERSON_1> (<EMAIL_1>).' });
  });

  it('numbers placeholders in reading order', async () => {
    const result = await engineWith().redact({ text: 'Carol, Bob Jones and Alice Smith', vault: new Vault() });
    expect(result).toMatchObject({ ok: true, text: '<PERSON_1>, <PERSON_2> and <PERSON_3>' });
  });

  it('applies the operator and threshold of each entity (for a person: masks as the policy says)', async () => {
    const engine = engineWith(
      {
        entities: {
          CREDIT_CARD: { operator: 'mask' },
          EMAIL: { operator: 'hash' },
          PHONE: { operator: 'drop' },
          PERSON: { threshold: 0.9 },
        },
      },
      createRegexAnalyzer(),
      'person',
    );
    const result = await engine.redact({
      text: 'Alice Smith: 4111 1111 1111 1111, a@b.example, 020 7946 0001',
      vault: new Vault(),
    });
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) throw new Error('unreachable');
    expect(result.text).toMatch(/^Alice Smith: 4111 11\*\* \*\*\*\* 1111, <EMAIL#[0-9a-f]{8}>, \[removed\]$/);
    expect(result.counts.PERSON).toBe(0);
  });

  it('gives a model placeholders, never a partial mask', async () => {
    const engine = engineWith({ entities: { CREDIT_CARD: { operator: 'mask' }, US_SSN: { operator: 'mask' } } });
    const vault = new Vault();
    const result = await engine.redact({ text: 'card 4111 1111 1111 1111', vault });
    expect(result).toMatchObject({ ok: true, text: 'card <CREDIT_CARD_1>' });
    // The visitor sees the policy's mask where the model's reply names the card, never the number.
    expect(rehydrate('blocked <CREDIT_CARD_1>.', vault)).toBe('blocked 4111 11** **** 1111.');
    expect(Vault.fromJSON(vault.toJSON()).display('CREDIT_CARD', 1)).toBe('4111 11** **** 1111');
    // The mask comes back in the history (the assistant's earlier turn): the model gets the placeholder.
    const history = await engine.redact({ text: 'I have blocked the card 4111 11** **** 1111 for you.', vault });
    expect(history).toMatchObject({ ok: true, text: 'I have blocked the card <CREDIT_CARD_1> for you.' });
  });

  it('leaves allow-listed values (after normalisation) and always redacts deny-listed terms', async () => {
    const engine = engineWith({
      allow: [{ value: '+44 20 7946 0000', type: 'PHONE' }, { value: 'support@demo-bank.example' }],
      deny: [{ term: 'Project Nightingale', type: 'ORGANIZATION' }],
    });
    const text = 'Call +44 (0)20 7946 0000 or 020 7946 0001, write SUPPORT@demo-bank.example; re project  nightingale';
    const result = await engine.redact({ text, vault: new Vault() });
    expect(result).toMatchObject({
      ok: true,
      text: 'Call +44 (0)20 7946 0000 or <PHONE_1>, write SUPPORT@demo-bank.example; re <ORGANIZATION_1>',
    });
  });

  it('merges overlapping findings into one span so no part of either leaks', async () => {
    const text = 'pay to DE89 3704 0044 0532 0130 00 now';
    const engine = engineWith(
      {},
      fixed([
        { type: 'IBAN', start: 7, end: 34, score: 0.95, recognizer: 'iban' },
        { type: 'PHONE', start: 12, end: 38, score: 0.6, recognizer: 'phone' },
      ]),
    );
    expect(await engine.redact({ text, vault: new Vault() })).toMatchObject({
      ok: true,
      text: 'pay to <IBAN_1>',
      entities: [{ type: 'IBAN', start: 7, end: 38 }],
    });
  });

  it('handles surrogate pairs and full-width text by JS string indices', async () => {
    const text = '😀 张伟 的邮箱 ｚｈａｎｇ@example.com';
    const result = await engineWith().redact({ text, lang: 'zh', vault: new Vault() });
    expect(result).toMatchObject({ ok: true, text: '😀 <PERSON_1> 的邮箱 <EMAIL_1>', lang: 'zh' });
  });

  it('passes text without findings through unchanged', async () => {
    expect(await engineWith().redact({ text: 'What are your opening hours?', vault: new Vault() })).toMatchObject({
      ok: true,
      text: 'What are your opening hours?',
      entities: [],
    });
  });
});

describe('redaction engine with the values a conversation gave before', () => {
  it('finds a known value no recognizer reports, numbers it in the request vault and leaves `known` as it was', async () => {
    const known = new Vault();
    known.placeholderFor('PERSON', 'Maria Schmidt');
    known.placeholderFor('PERSON', 'Tendai Mukoko');
    const vault = new Vault();
    const result = await engineWith({}, fixed([])).redact({
      text: 'again: tendai mukoko, still blocked',
      vault,
      known,
    });
    expect(result).toMatchObject({
      ok: true,
      text: 'again: <PERSON_1>, still blocked',
      entities: [{ type: 'PERSON', start: 7, end: 20 }],
    });
    expect(vault.size).toBe(1);
    expect(known.size).toBe(2);
    expect(known.revision).toBe(2);
  });
});

describe('redaction engine fails closed', () => {
  const secret = 'Alice Smith 4111 1111 1111 1111';
  const failure = (recognizer: string, reason: 'threw' | 'timeout' | 'input_too_long'): AnalyzeResult => ({
    ok: false,
    error: { recognizer, reason, message: 'boom' },
  });

  it.each<[string, Analyzer, Partial<Parameters<typeof createRedactionEngine>[0]>, string]>([
    ['a recognizer failure', async () => failure('person', 'threw'), {}, 'analyzer_failed'],
    ['a recognizer timeout', async () => failure('person', 'timeout'), {}, 'analyzer_timeout'],
    ['an over-long input', async () => failure('analyzer', 'input_too_long'), {}, 'input_too_long'],
    [
      'an analyzer that throws',
      async () => {
        throw new Error(secret);
      },
      {},
      'analyzer_failed',
    ],
    [
      'an analyzer that never answers',
      () => new Promise<AnalyzeResult>(() => undefined),
      { timeoutMs: 20 },
      'analyzer_timeout',
    ],
    [
      'offsets past the end',
      fixed([{ type: 'PERSON', start: 0, end: 999, score: 1, recognizer: 'x' }]),
      {},
      'invalid_analysis',
    ],
    ['an empty span', fixed([{ type: 'PERSON', start: 3, end: 3, score: 1, recognizer: 'x' }]), {}, 'invalid_analysis'],
    [
      'a fractional offset',
      fixed([{ type: 'PERSON', start: 0.5, end: 3, score: 1, recognizer: 'x' }]),
      {},
      'invalid_analysis',
    ],
    [
      'a NaN score',
      fixed([{ type: 'PERSON', start: 0, end: 3, score: Number.NaN, recognizer: 'x' }]),
      {},
      'invalid_analysis',
    ],
    [
      'an unknown type',
      async () => ({
        ok: true,
        lang: 'en',
        entities: [JSON.parse('{"type":"SHOE","start":0,"end":3,"score":1,"recognizer":"x"}')],
      }),
      {},
      'invalid_analysis',
    ],
  ])('%s → { ok: false }, never the text', async (_name, analyzer, extra, id) => {
    const engine = createRedactionEngine({ analyzer, policy: policyOf(), hmacKey, ...extra });
    const result = await engine.redact({ text: secret, vault: new Vault() });
    expect(result).toMatchObject({ ok: false, error: { id } });
    expect(JSON.stringify(result)).not.toContain('Alice');
    expect(JSON.stringify(result)).not.toContain('4111');
  });

  it('an operator that throws (a full vault) fails the whole message', async () => {
    const vault = Vault.fromJSON({ version: 1, revision: 0, counters: { PERSON: 999_999 }, entries: [] });
    const result = await engineWith().redact({ text: secret, vault });
    expect(result).toMatchObject({ ok: false, error: { id: 'operator_failed' } });
    expect(JSON.stringify(result)).not.toContain('Alice');
  });

  it('bad input is a failure, not an exception', async () => {
    const engine = engineWith();
    expect(await engine.redact({ text: 42 as unknown as string, vault: new Vault() })).toMatchObject({
      ok: false,
      error: { id: 'invalid_input' },
    });
    expect(await engine.redact({ text: 'x', lang: 'xx' as 'en', vault: new Vault() })).toMatchObject({
      ok: false,
      error: { id: 'invalid_input' },
    });
    expect(await engine.redact({ text: 'Alice Smith', vault: undefined as unknown as Vault })).toMatchObject({
      ok: false,
    });
  });

  it('refuses a short HMAC key at creation (a boot error, not a per-message one)', () => {
    expect(() =>
      createRedactionEngine({ analyzer: createRegexAnalyzer(), policy: policyOf(), hmacKey: new Uint8Array(8) }),
    ).toThrow(/hmacKey/);
  });
});

describe('redaction engine under concurrency', () => {
  // An analyzer whose answers the test releases in a chosen order, so redactions interleave.
  function gatedAnalyzer() {
    const real = createRegexAnalyzer(['Alice Smith', 'Bob Jones', 'Carol', 'Dave', 'Erin']);
    const gates: Array<() => void> = [];
    const analyzer: Analyzer = async (text, options) => {
      await new Promise<void>((resolve) => gates.push(resolve));
      return real(text, options);
    };
    return { analyzer, release: (i: number) => gates[i]?.(), pending: () => gates.length };
  }

  it('interleaved redactions on one vault never mint a placeholder twice or two for one value', async () => {
    const { analyzer, release, pending } = gatedAnalyzer();
    const engine = createRedactionEngine({ analyzer, policy: policyOf(), hmacKey });
    const vault = new Vault();
    const texts = [
      'Alice Smith and Bob Jones',
      'Bob Jones, Carol and Alice Smith',
      'Dave and carol',
      'Erin, alice smith, Dave',
    ];
    const runs = texts.map((text) => engine.redact({ text, vault }));
    while (pending() < texts.length) await new Promise((r) => setTimeout(r, 1));
    for (const i of [2, 0, 3, 1]) release(i);
    const results = await Promise.all(runs);

    const mapping = new Map<string, string>();
    results.forEach((result, i) => {
      if (!result.ok) throw new Error('redaction failed');
      const text = texts[i] ?? '';
      const tokens = result.text.match(/<PERSON_\d+>/g) ?? [];
      result.entities.forEach((e, j) => {
        const value = text.slice(e.start, e.end).toLowerCase();
        const token = tokens[j] ?? '';
        expect(mapping.get(value) ?? token).toBe(token);
        mapping.set(value, token);
      });
    });
    // five distinct people, five distinct placeholders, numbered 1..5 without gaps
    expect(new Set(mapping.values()).size).toBe(5);
    expect([...mapping.values()].sort()).toEqual([
      '<PERSON_1>',
      '<PERSON_2>',
      '<PERSON_3>',
      '<PERSON_4>',
      '<PERSON_5>',
    ]);
    expect(vault.size).toBe(5);
  });

  it('stays consistent over many random interleavings', async () => {
    const names = ['Alice Smith', 'Bob Jones', 'Carol', 'Dave', 'Erin'];
    for (let round = 0; round < 25; round += 1) {
      const { analyzer, release, pending } = gatedAnalyzer();
      const engine = createRedactionEngine({ analyzer, policy: policyOf(), hmacKey });
      const vault = new Vault();
      const texts = Array.from(
        { length: 8 },
        (_, i) => `${names[(i * 3 + round) % 5]} met ${names[(i + round * 2) % 5]}`,
      );
      const runs = texts.map((text) => engine.redact({ text, vault }));
      while (pending() < texts.length) await new Promise((r) => setTimeout(r, 0));
      const order = texts.map((_, i) => i).sort(() => Math.random() - 0.5);
      for (const i of order) release(i);
      await Promise.all(runs);
      const snapshot = vault.toJSON();
      const keys = snapshot.entries.map((e) => e.key);
      const placeholders = snapshot.entries.map((e) => `${e.type}_${e.index}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(placeholders).size).toBe(placeholders.length);
    }
  });
});
