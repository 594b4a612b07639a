import { describe, expect, it } from 'vitest';
import { SseParser } from './sse.ts';

/** Feeds the chunks in order and collects every event's data. */
function read(chunks: Uint8Array[]): string[] {
  const parser = new SseParser();
  return chunks.flatMap((c) => parser.push(c));
}

const encoder = new TextEncoder();

describe('SseParser', () => {
  it.each([
    ['one event per blank line', ['data: {"a":1}\n\ndata: [DONE]\n\n'], ['{"a":1}', '[DONE]']],
    ['split anywhere across chunks', ['da', 'ta: {"a"', ':1}\n', '\nda', 'ta: x\n\n'], ['{"a":1}', 'x']],
    [
      'CRLF and CR line ends, a CRLF split between chunks',
      ['data: a\r\n\r\ndata: b\r', '\n\r\ndata: c\r\r\n'],
      ['a', 'b', 'c'],
    ],
    ['data lines join with LF; no space after the colon kept as is', ['data: one\ndata:two\n\n'], ['one\ntwo']],
    ['comments, event and id fields skipped', [': keep-alive\n\nevent: message\nid: 7\ndata: x\nretry: 10\n\n'], ['x']],
    ['an event the stream ends before dispatching is dropped', ['data: a\n\ndata: cut'], ['a']],
  ])('%s', (_name, chunks, expected) => {
    expect(read(chunks.map((c) => encoder.encode(c)))).toEqual(expected);
  });

  it('decodes UTF-8 split inside a character', () => {
    const bytes = encoder.encode('data: café 北京\n\n');
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 3) pieces.push(bytes.slice(i, i + 3));
    expect(read(pieces)).toEqual(['café 北京']);
  });
});
