import { describe, expect, it } from 'vitest';
import { createAnalyzer, MAX_TEXT_LENGTH } from './analyzer.ts';
import { defaultRecognizers, recognizers } from './recognizers/index.ts';
import type { Recognizer } from './recognizers/recognizer.ts';

const analyze = createAnalyzer();

const throwing: Recognizer = {
  name: 'broken',
  entity: 'EMAIL',
  find: () => {
    throw new Error('dictionary missing');
  },
};
const slowSync: Recognizer = {
  name: 'slow_sync',
  entity: 'PERSON',
  find: () => {
    const until = performance.now() + 60;
    while (performance.now() < until) {
      // burn the budget the way a pathological regex would
    }
    return [];
  },
};
const neverResolves: Recognizer = { name: 'hung', entity: 'PERSON', find: () => new Promise(() => {}) };
const rejects: Recognizer = { name: 'rejects', entity: 'PERSON', find: () => Promise.reject(new Error('model down')) };

describe('analyzer', () => {
  it('finds several entity types with offsets into the original text', async () => {
    const text =
      '😀 Hi, I am Sarah Connor: sarah@example.com, card ４１１１ １１１１ １１１１ １１１１, IBAN DE89 3704 0044 0532 0130 00';
    const result = await analyze(text, { lang: 'en' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.entities.map((e) => [e.type, text.slice(e.start, e.end)])).toEqual([
      ['PERSON', 'Sarah Connor'],
      ['EMAIL', 'sarah@example.com'],
      ['CREDIT_CARD', '４１１１ １１１１ １１１１ １１１１'],
      ['IBAN', 'DE89 3704 0044 0532 0130 00'],
    ]);
  });

  it('detects the language when none is given', async () => {
    const result = await analyze('您好，我叫王小明，手机13800138000');
    expect(result.ok && result.lang).toBe('zh');
  });

  it('restricts to the requested entity types', async () => {
    const result = await analyze('sarah@example.com +44 20 7946 0958', { entities: ['PHONE'] });
    expect(result.ok && result.entities.map((e) => e.type)).toEqual(['PHONE']);
  });

  it('resolves overlaps: the higher score wins, deterministically', async () => {
    // 11 digits that look like a CN mobile and a DE tax id; the phone has the higher score in zh text.
    const text = '手机13912345678';
    const a = await analyze(text, { lang: 'zh' });
    const b = await analyze(text, { lang: 'zh' });
    expect(a).toEqual(b);
    expect(a.ok && a.entities.map((e) => e.type)).toEqual(['PHONE']);
  });

  it('fails closed when a recognizer throws, naming it', async () => {
    const result = await createAnalyzer({ recognizers: [throwing] })('sarah@example.com');
    expect(result).toEqual({
      ok: false,
      error: { recognizer: 'broken', reason: 'threw', message: 'Error: dictionary missing' },
    });
  });

  it('fails closed when one of many recognizers throws (no partial result)', async () => {
    const result = await createAnalyzer({ recognizers: [...Object.values(recognizers), throwing] })(
      'sarah@example.com',
    );
    expect(result.ok).toBe(false);
  });

  it('fails closed when an async recognizer rejects', async () => {
    const result = await createAnalyzer({ recognizers: [rejects] })('text');
    expect(result).toMatchObject({ ok: false, error: { recognizer: 'rejects', reason: 'threw' } });
  });

  it('fails closed when a synchronous recognizer overruns the budget', async () => {
    const result = await createAnalyzer({ recognizers: [slowSync], timeoutMs: 20 })('text');
    expect(result).toMatchObject({ ok: false, error: { recognizer: 'slow_sync', reason: 'timeout' } });
  });

  it('fails closed when an async recognizer never answers', async () => {
    const started = performance.now();
    const result = await createAnalyzer({ recognizers: [neverResolves] })('text', { timeoutMs: 30 });
    expect(result).toMatchObject({ ok: false, error: { recognizer: 'hung', reason: 'timeout' } });
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('refuses input over the maximum length instead of crashing', async () => {
    const result = await analyze('a'.repeat(MAX_TEXT_LENGTH + 1));
    expect(result).toMatchObject({ ok: false, error: { recognizer: 'analyzer', reason: 'input_too_long' } });
  });

  it('never throws, even for a non-string from untyped callers', async () => {
    const result = await analyze(42 as unknown as string);
    expect(result.ok).toBe(false);
  });

  it('returns no entities for empty text', async () => {
    expect(await analyze('')).toEqual({ ok: true, lang: 'en', entities: [] });
  });

  describe('catastrophic backtracking', () => {
    const size = 100_000;
    const adversarial: [string, string][] = [
      ['letters', 'a'.repeat(size)],
      ['dotted local part', 'a.'.repeat(size / 2)],
      ['at signs', 'a@'.repeat(size / 2)],
      ['digits', '1'.repeat(size)],
      ['digit groups', '1 '.repeat(size / 2)],
      ['dashed digits', '12-'.repeat(size / 3)],
      ['colons', 'a:'.repeat(size / 2)],
      ['dotted octets', '1.'.repeat(size / 2)],
      ['capitalised words', 'Ab '.repeat(size / 3)],
      ['han', '王'.repeat(size)],
      ['mixed', 'DE89 3704 x@y. 1.2.3. ＡＢ１２ 我叫王 '.repeat(size / 40)],
    ];
    // Pattern recognizers are linear: 100 KB of hostile text is analysed completely and quickly.
    const patternOnly = createAnalyzer({ recognizers: defaultRecognizers.filter((r) => r.find === undefined) });
    // Measured in this process's CPU time, not wall-clock: other work on the machine does not move it,
    // while a backtracking pattern (seconds to hours of CPU on 100 KB) still fails.
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    it.each(adversarial)('%s: pattern recognizers finish 100 KB well inside the budget', async (_, text) => {
      const started = cpuMs();
      const result = await patternOnly(text.slice(0, size));
      expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
      expect(cpuMs() - started).toBeLessThan(500);
    });
    // The NLP and phone libraries are superlinear; windows bound them and the budget is checked
    // between windows, so the full analyzer either finishes or fails closed, never hangs.
    it.each(adversarial)('%s: the full analyzer answers within the budget (or fails closed)', async (_, text) => {
      const started = cpuMs();
      const result = await analyze(text.slice(0, size));
      expect(cpuMs() - started).toBeLessThan(1_500);
      if (!result.ok) expect(result.error.reason).toBe('timeout');
    });
  });
});
