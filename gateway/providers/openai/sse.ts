// The `data` of each server-sent event in a byte stream, by the WHATWG rules the openai client's own
// reader follows: lines end in LF, CRLF or CR; `data:` lines join with LF; a blank line dispatches;
// comments and other fields are skipped; an event the stream ends before dispatching is dropped.
// The parser is synchronous: a streamed completion's reader feeds it each chunk as it arrives and
// is called back with each event the chunk completes, with no async layer of its own per event
// (one per token). Per event it makes one string (the data), or a join where an event has several
// data lines, which completions never have.

export class SseParser {
  private readonly decoder = new TextDecoder();
  private buffer = '';
  /** the current event's first data line, and any further ones */
  private data: string | undefined;
  private more: string[] | undefined;

  /** the `data` of every event this chunk completes, in order */
  push(bytes: Uint8Array): string[] {
    const out: string[] = [];
    this.each(bytes, (data) => void out.push(data));
    return out;
  }

  /** calls `emit` with the `data` of every event this chunk completes, in order */
  each(bytes: Uint8Array, emit: (data: string) => void): void {
    const text = this.decoder.decode(bytes, { stream: true });
    const buffer = this.buffer ? this.buffer + text : text;
    let start = 0;
    let cr = buffer.indexOf('\r'); // searched again only once passed: most streams have none
    for (;;) {
      if (cr >= 0 && cr < start) cr = buffer.indexOf('\r', start);
      const lf = buffer.indexOf('\n', start);
      const end = cr >= 0 && (lf < 0 || cr < lf) ? cr : lf;
      // A CR as the last character may be the first half of a CRLF: wait for the next bytes.
      if (end < 0 || (end === cr && end === buffer.length - 1)) break;
      if (end === start) {
        if (this.data !== undefined) {
          const data = this.more ? [this.data, ...this.more].join('\n') : this.data;
          this.data = this.more = undefined;
          emit(data);
        }
      } else if (buffer.startsWith('data:', start)) {
        const value = buffer.slice(start + (buffer.charCodeAt(start + 5) === 32 ? 6 : 5), end);
        if (this.data === undefined) this.data = value;
        else (this.more ??= []).push(value);
      }
      start = end + (end === cr && buffer.charCodeAt(end + 1) === 10 ? 2 : 1);
    }
    this.buffer = start === 0 ? buffer : buffer.slice(start);
  }
}
