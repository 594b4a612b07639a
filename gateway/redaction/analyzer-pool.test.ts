import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnalyzer, MAX_TEXT_LENGTH } from './analyzer.ts';
import { createAnalyzerPool, inProcessAnalyzers, type AnalyzerPool } from './analyzer-pool.ts';

const FIXTURE = new URL('./analyzer-pool.fixture-thread.ts', import.meta.url);

describe('analyzer threads running the stock analyzer', () => {
  let pool: AnalyzerPool;
  beforeAll(async () => {
    pool = createAnalyzerPool({ threads: 2, inlineBelowChars: 0 });
    await pool.ready();
  });
  afterAll(() => pool.close());

  it('find what the analyzer on this thread finds, with the same floor', async () => {
    const texts = [
      'My name is Jane Doe and my phone is +44 20 7946 0958.',
      'Bitte überweisen Sie auf DE89 3704 0044 0532 0130 00, Herr Müller.',
      'Write to jane.doe@example.com about card 4111 1111 1111 1111.',
      'How do I report a lost card?',
      '我叫王小明，电话13812345678。',
    ];
    for (const minScore of [undefined, 0.3]) {
      const here = createAnalyzer(minScore === undefined ? {} : { minScore });
      const there = pool.analyzer(minScore === undefined ? {} : { minScore });
      for (const text of texts) expect(await there(text)).toEqual(await here(text));
      expect(await there(texts[1]!, { lang: 'de' })).toEqual(await here(texts[1]!, { lang: 'de' }));
    }
  });

  it('answers each of many concurrent calls with its own result', async () => {
    const analyze = pool.analyzer();
    const texts = Array.from(
      { length: 60 },
      (_, i) => `Call me on 07700 900${String(i).padStart(3, '0')} please, ${i % 2 ? 'Anna Schmidt' : 'thanks'}.`,
    );
    const here = createAnalyzer();
    const results = await Promise.all(texts.map((t) => analyze(t)));
    for (const [i, text] of texts.entries()) expect(results[i]).toEqual(await here(text));
  });

  it('refuses what the analyzer refuses, without sending it to a thread', async () => {
    const analyze = pool.analyzer();
    expect(await analyze('x'.repeat(MAX_TEXT_LENGTH + 1))).toMatchObject({
      ok: false,
      error: { reason: 'input_too_long' },
    });
    expect(await analyze(42 as unknown as string)).toMatchObject({ ok: false, error: { reason: 'threw' } });
  });
});

describe('analyzer pool supervision (stand-in threads)', () => {
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const make = (threads = 1) =>
    createAnalyzerPool({
      threads,
      module: FIXTURE,
      graceMs: 100,
      inlineBelowChars: 0,
      log: (event, fields) => events.push({ event, fields }),
    });

  it('fails a call closed when its thread is stuck, replaces the thread, and answers the next call', async () => {
    const pool = make();
    await pool.ready();
    const analyze = pool.analyzer({ timeoutMs: 200 });
    const started = performance.now();
    expect(await analyze('hang')).toMatchObject({ ok: false, error: { reason: 'timeout' } });
    expect(performance.now() - started).toBeLessThan(2_000); // the event loop was never blocked
    expect(pool.restarts).toBe(1);
    expect(events.at(-1)).toMatchObject({
      event: 'redaction.analyzer_thread_replaced',
      fields: { reason: 'stuck', slot: 0 },
    });
    // Calls made while the replacement loads fail closed too (a busy machine may take longer than
    // the budget to start a thread); once it is up, it answers.
    await expect
      .poll(() => analyze('call 123'), { timeout: 10_000 })
      .toEqual({
        ok: true,
        lang: 'en',
        entities: [{ type: 'PHONE', start: 5, end: 8, score: 1, recognizer: 'digits' }],
      });
    await pool.close();
  });

  it('a call that waits behind a slow one times out without the working thread being replaced', async () => {
    const pool = make();
    await pool.ready();
    const slow = pool.analyzer({ timeoutMs: 1_000 })('slow');
    expect(await pool.analyzer({ timeoutMs: 50 })('slow')).toMatchObject({ ok: false, error: { reason: 'timeout' } });
    expect(await slow).toMatchObject({ ok: true });
    expect(pool.restarts).toBe(0);
    await pool.close();
  });

  it('fails the calls of a thread that exits or throws, and replaces it', async () => {
    for (const text of ['crash', 'throw']) {
      const pool = make();
      await pool.ready();
      const analyze = pool.analyzer();
      const waiting = analyze('slow'); // in flight on the same thread when it goes
      expect(await analyze(text)).toMatchObject({
        ok: false,
        error: { reason: 'threw', message: expect.stringMatching(/analyzer thread (exited|crashed)/) },
      });
      expect(await waiting).toMatchObject({ ok: false, error: { reason: 'threw' } });
      expect(pool.restarts).toBe(1);
      await expect
        .poll(() => analyze('7'), { timeout: 10_000 })
        .toMatchObject({ ok: true, entities: [{ start: 0, end: 1 }] });
      await pool.close();
    }
  });

  it('spreads calls over its threads and fails closed once closed', async () => {
    const pool = make(2);
    await pool.ready();
    const analyze = pool.analyzer({ minScore: 0.6 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => analyze(`n ${i}`)));
    results.forEach((r, i) =>
      expect(r).toEqual({
        ok: true,
        lang: 'en',
        entities: [{ type: 'PHONE', start: 2, end: 2 + String(i).length, score: 0.6, recognizer: 'digits' }],
      }),
    );
    // Two at a time: each thread gets one (the one with fewer calls waiting is picked).
    const pairs = await Promise.all(
      Array.from({ length: 10 }, () => Promise.all([analyze('which 1'), analyze('which 2')])),
    );
    const by = (r: Awaited<ReturnType<typeof analyze>>) => (r.ok ? r.entities[0]!.recognizer : '');
    for (const [a, b] of pairs) expect(by(a)).not.toBe(by(b));
    const pending = analyze('slow');
    await pool.close();
    expect(await pending).toMatchObject({
      ok: false,
      error: { reason: 'threw', message: 'the analyzer pool is closed' },
    });
    expect(await analyze('1')).toMatchObject({ ok: false, error: { message: 'the analyzer pool is closed' } });
  });

  it('reports a thread that cannot start', async () => {
    const pool = createAnalyzerPool({ threads: 1, module: new URL('./no-such-thread.ts', import.meta.url) });
    await expect(pool.ready()).rejects.toThrow();
    await pool.close();
  });

  it('analyses short texts on the calling thread and long ones on a thread', async () => {
    const pool = createAnalyzerPool({ threads: 1, module: FIXTURE, inlineBelowChars: 40 });
    await pool.ready();
    const analyze = pool.analyzer();
    const short = 'Call Jane Doe on +44 20 7946 0958';
    expect(await analyze(short)).toEqual(await createAnalyzer()(short)); // the stock analyzer, here
    const long = `${short} ${'and again '.repeat(10)}`;
    expect(await analyze(long)).toMatchObject({
      ok: true,
      entities: expect.arrayContaining([expect.objectContaining({ recognizer: 'digits' })]),
    }); // the stand-in thread
    await pool.close();
  });

  it('on this thread: one analyzer per configuration', () => {
    const here = inProcessAnalyzers();
    expect(here.analyzer({ minScore: 0.3 })).toBe(here.analyzer({ minScore: 0.3 }));
    expect(here.analyzer()).not.toBe(here.analyzer({ minScore: 0.3 }));
  });
});
