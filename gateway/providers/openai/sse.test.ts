import { describe, expect, it } from 'vitest';
import { sseData } from './sse.ts';

async function read(chunks: string[]): Promise<string[]> {
  const encoder = new TextEncoder();
  async function* body() {
    for (const c of chunks) yield encoder.encode(c);
  }
  const out: string[] = [];
  for await (const d of sseData(body())) out.push(d);
  return out;
}

describe('sseData', () => {
  it.each([
    ['one event per blank line', ['data: {"a":1}\n\ndata: [DONE]\n\n'], ['{"a":1}', '[DONE]']],
    ['split anywhere across chunks', ['da', 'ta: {"a"', ':1}\n', '\nda', 'ta: x\n\n'], ['{"a":1}', 'x']],
    ['CRLF and CR line ends, a CRLF split between chunks', ['data: a\r\n\r\ndata: b\r', '\n\r\ndata: c\r\r\n'], ['a', 'b', 'c']],
    ['data lines join with LF; no space after the colon kept as is', ['data: one\ndata:two\n\n'], ['one\ntwo']],
    ['comments, event and id fields skipped', [': keep-alive\n\nevent: message\nid: 7\ndata: x\nretry: 10\n\n'], ['x']],
    ['an event the stream ends before dispatching is dropped', ['data: a\n\ndata: cut'], ['a']],
  ])('%s', async (_name, chunks, expected) => {
    expect(await read(chunks)).toEqual(expected);
  });

  it('decodes UTF-8 split inside a character', async () => {
    const bytes = new TextEncoder().encode('data: café 北京\n\n');
    async function* body() {
      for (let i = 0; i < bytes.length; i += 3) yield bytes.slice(i, i + 3);
    }
    const out: string[] = [];
    for await (const d of sseData(body())) out.push(d);
    expect(out).toEqual(['café 北京']);
  });
});
