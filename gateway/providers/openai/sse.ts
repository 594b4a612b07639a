// The `data` of each server-sent event in a byte stream, by the WHATWG rules the openai client's own
// reader follows: lines end in LF, CRLF or CR; `data:` lines join with LF; a blank line dispatches;
// comments and other fields are skipped; an event the stream ends before dispatching is dropped.
// The parser is synchronous: a streamed completion's reader feeds it each chunk as it arrives and
// gets the events it completed, with no async layer of its own per event (one per token).

export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private data: string[] = [];

  /** the `data` of every event this chunk completes, in order */
  push(bytes: Uint8Array): string[] {
    const out: string[] = [];
    const buffer = this.buffer + this.decoder.decode(bytes, { stream: true });
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
        if (this.data.length > 0) out.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
    return out;
  }
}
