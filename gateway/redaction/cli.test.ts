import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runRedactCli } from './cli.ts';
import { createRedactionEngine } from './engine.ts';
import { parseRedactionPolicy } from './policy.ts';
import { createRegexAnalyzer } from './testing/regex-analyzer.ts';
import type { Analyzer } from './types.ts';

const policy = parseRedactionPolicy({ version: 1, default: { operator: 'placeholder', threshold: 0.5 } });
const hmacKey = new Uint8Array(32).fill(3);
const engine = createRedactionEngine({ analyzer: createRegexAnalyzer(), policy, hmacKey });

async function run(input: Readable, opts: { maxLineBytes?: number; analyzer?: Analyzer } = {}) {
  const output = new PassThrough();
  const chunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const used = opts.analyzer ? createRedactionEngine({ analyzer: opts.analyzer, policy, hmacKey }) : engine;
  const summary = await runRedactCli({
    input,
    output,
    engine: used,
    ...(opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : {}),
  });
  output.end();
  const lines = chunks
    .join('')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { summary, lines, raw: chunks.join('') };
}

describe('redact CLI', () => {
  it('writes one redacted line per input line; each line has its own vault', async () => {
    const input = Readable.from([
      '{"text":"I am Alice Smith","lang":"en"}\n',
      '{"text":"Bob Jones, mail bob@example.com"}\n',
      '\n',
      '{"text":"张伟在这里","lang":"zh"}',
    ]);
    const { summary, lines } = await run(input);
    expect(summary).toEqual({ lines: 3, errors: 0 });
    expect(lines).toEqual([
      { text: 'I am <PERSON_1>', entities: [{ type: 'PERSON', start: 5, end: 16, score: 0.85 }] },
      {
        text: '<PERSON_1>, mail <EMAIL_1>',
        entities: [
          { type: 'PERSON', start: 0, end: 9, score: 0.85 },
          { type: 'EMAIL', start: 16, end: 31, score: 0.95 },
        ],
      },
      { text: '<PERSON_1>在这里', entities: [{ type: 'PERSON', start: 0, end: 2, score: 0.85 }] },
    ]);
  });

  it('shares a vault between lines of one conversation', async () => {
    const input = Readable.from([
      '{"text":"Alice Smith","conversation":"a"}\n{"text":"Bob Jones","conversation":"b"}\n',
      '{"text":"Bob Jones and alice smith","conversation":"a"}\n',
    ]);
    const { lines } = await run(input);
    expect(lines.map((l) => l.text)).toEqual(['<PERSON_1>', '<PERSON_1>', '<PERSON_2> and <PERSON_1>']);
  });

  it('answers a malformed line on that line, never echoing it, and carries on', async () => {
    const input = Readable.from([
      '{"text":"Alice Smith"}\n',
      'Alice Smith is not JSON\n',
      '{"text":42}\n',
      '{"text":"Alice Smith","lang":"xx"}\n',
      '["Alice Smith"]\n',
      '{"text":"Bob Jones"}\r\n',
    ]);
    const { summary, lines, raw } = await run(input);
    expect(summary).toEqual({ lines: 6, errors: 4 });
    expect(lines.map((l) => l.text ?? (l.error as { id: string }).id)).toEqual([
      '<PERSON_1>',
      'invalid_line',
      'invalid_line',
      'invalid_line',
      'invalid_line',
      '<PERSON_1>',
    ]);
    expect(raw).not.toContain('Alice');
    expect(lines[3]).toMatchObject({ error: { message: expect.stringContaining('lang') } });
  });

  it('rejects an oversize line without buffering it, then goes on', async () => {
    const big = `{"text":"${'Alice Smith '.repeat(2_000)}"}`;
    // split the big line over many chunks, the newline in the middle of a chunk
    const chunks = [big.slice(0, 5_000), big.slice(5_000, 20_000), `${big.slice(20_000)}\n{"text":"Bob`, ' Jones"}\n'];
    const { summary, lines, raw } = await run(Readable.from(chunks), { maxLineBytes: 1_000 });
    expect(summary).toEqual({ lines: 2, errors: 1 });
    expect(lines[0]).toEqual({ error: { id: 'invalid_line', message: 'line exceeds 1000 bytes' } });
    expect(lines[1]).toMatchObject({ text: '<PERSON_1>' });
    expect(raw).not.toContain('Alice');
  });

  it('reports a failed redaction on its line and never writes the text', async () => {
    let calls = 0;
    const flaky: Analyzer = async (text, options) => {
      calls += 1;
      if (calls === 2) return { ok: false, error: { recognizer: 'person', reason: 'threw', message: text } };
      return createRegexAnalyzer()(text, options);
    };
    const input = Readable.from(['{"text":"Alice Smith"}\n{"text":"Bob Jones secret"}\n{"text":"Carol"}\n']);
    const { summary, lines, raw } = await run(input, { analyzer: flaky });
    expect(summary).toEqual({ lines: 3, errors: 1 });
    expect(lines[1]).toEqual({ error: { id: 'redaction_failed', message: 'recognizer person failed' } });
    expect(raw).not.toContain('secret');
    expect(lines[2]).toMatchObject({ text: '<PERSON_1>' });
  });

  it('decodes UTF-8 split across byte chunks', async () => {
    const bytes = Buffer.from('{"text":"张伟 ｚｈａｎｇ@example.com"}\n', 'utf8');
    const chunks = [...bytes].map((b) => Buffer.from([b]));
    const { lines } = await run(Readable.from(chunks));
    expect(lines).toEqual([{ text: '<PERSON_1> <EMAIL_1>', entities: expect.any(Array) }]);
  });
});
