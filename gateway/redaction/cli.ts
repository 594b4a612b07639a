// `palisade redact`: JSON lines in, JSON lines out. One bad line gets an error line of its own and
// the stream goes on; an error line never echoes the input (it may be full of personal data).
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import type { RedactionEngine } from './engine.ts';
import { LANGS } from './types.ts';
import { Vault } from './vault.ts';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

const RedactLine = z.object({
  text: z.string(),
  lang: z.enum(LANGS).optional(),
  /** lines with the same conversation share one vault (stable placeholders across them). */
  conversation: z.string().min(1).max(200).optional(),
});

export interface RedactCliOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  engine: RedactionEngine;
  /** longer lines are answered with invalid_line, and never buffered whole. */
  maxLineBytes?: number;
}

type LineError = { id: 'invalid_line' | 'redaction_failed'; message: string };

/** Splits a byte/string stream into lines without ever buffering more than maxBytes of one line. */
async function* lines(
  input: NodeJS.ReadableStream,
  maxBytes: number,
): AsyncGenerator<{ line: string } | { oversize: true }> {
  const decoder = new StringDecoder('utf8');
  let current = '';
  let currentBytes = 0;
  let oversize = false;
  const take = function* (text: string) {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const piece = text.slice(from, nl);
      if (!oversize && currentBytes + Buffer.byteLength(piece) <= maxBytes) yield { line: current + piece };
      else yield { oversize: true as const };
      current = '';
      currentBytes = 0;
      oversize = false;
      from = nl + 1;
    }
    const rest = text.slice(from);
    if (oversize) return;
    currentBytes += Buffer.byteLength(rest);
    if (currentBytes > maxBytes) {
      oversize = true;
      current = '';
    } else current += rest;
  };
  for await (const chunk of input) {
    yield* take(typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
  }
  yield* take(decoder.end());
  if (oversize) yield { oversize: true };
  else if (current !== '') yield { line: current };
}

async function writeLine(output: NodeJS.WritableStream, value: unknown): Promise<void> {
  if (!output.write(`${JSON.stringify(value)}\n`)) await once(output, 'drain');
}

export async function runRedactCli(opts: RedactCliOptions): Promise<{ lines: number; errors: number }> {
  const { input, output, engine } = opts;
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const conversations = new Map<string, Vault>();
  let count = 0;
  let errors = 0;
  const fail = async (error: LineError) => {
    errors += 1;
    await writeLine(output, { error });
  };

  for await (const item of lines(input, maxLineBytes)) {
    if ('oversize' in item) {
      count += 1;
      await fail({ id: 'invalid_line', message: `line exceeds ${maxLineBytes} bytes` });
      continue;
    }
    const raw = item.line.replace(/\r$/u, '');
    if (raw.trim() === '') continue;
    count += 1;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      await fail({ id: 'invalid_line', message: 'line is not valid JSON' });
      continue;
    }
    const parsed = RedactLine.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      // path and zod's message only: zod does not quote the offending input in these messages.
      await fail({
        id: 'invalid_line',
        message: `${issue?.path.join('.') || '(line)'}: ${issue?.message ?? 'invalid'}`,
      });
      continue;
    }
    const { text, lang, conversation } = parsed.data;
    const vault = conversation === undefined ? new Vault() : (conversations.get(conversation) ?? new Vault());
    if (conversation !== undefined) conversations.set(conversation, vault);
    const outcome = await engine.redact(lang ? { text, lang, vault } : { text, vault });
    if (!outcome.ok) {
      await fail({ id: 'redaction_failed', message: outcome.error.message });
      continue;
    }
    const entities = outcome.entities.map(({ type, start, end, score }) => ({ type, start, end, score }));
    await writeLine(output, { text: outcome.text, entities });
  }
  return { lines: count, errors };
}
