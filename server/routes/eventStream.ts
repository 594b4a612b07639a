// Server-sent events written to the response directly rather than through Koa's stream pipeline
// (which costs a Readable, a pipeline and an AbortError per response). The writer is pushed each
// event as its source produces it (the gateway's stream() calls it in the provider's own callback,
// once per token) and frames it with plain functions: no async layer between the model's socket and
// the caller's. Frames produced in the same tick go out as one write (node's response corks the
// socket at a tick's first write and uncorks on the next); a caller that reads slowly holds the
// source (`push` answers false, and `drain` calls back when the socket has room).
import type { ServerResponse } from 'node:http';

/** How a stream of events becomes frames: `frame` may give '' for an event that shows nothing. */
export interface EventFramer<T> {
  first: string;
  frame(event: T): string;
  /** the last frame when the source fails (no `last` then) */
  failed(error: unknown): string;
  last: string;
}

export interface EventStreamWriter<T> {
  /** frames and writes one event; false: the socket is full, hold the source until `drain` calls back */
  push(event: T): boolean;
  /** calls `resume` once the socket has drained, or the caller has gone (nothing more is written then) */
  drain(resume: () => void): void;
  /** the last frame and the end of the response */
  end(): void;
  /** the failure frame (the source failed after the answer was committed) and the end of the response */
  fail(error: unknown): void;
}

/**
 * Starts the stream: the first frame and those of `head` (events read before the answer was
 * committed). After the caller hung up nothing more is written, and `push` answers true: the
 * source runs on to its own end (its audit record), unheld.
 */
export function eventStreamWriter<T>(res: ServerResponse, head: T[], framer: EventFramer<T>): EventStreamWriter<T> {
  const gone = () => res.destroyed || res.writableEnded;
  const add = (frame: string) => {
    if (frame && !gone()) res.write(frame);
  };
  add(framer.first);
  for (const e of head) add(framer.frame(e));
  return {
    push(event) {
      add(framer.frame(event));
      return !res.writableNeedDrain || gone();
    },
    drain(resume) {
      if (!res.writableNeedDrain || gone()) return resume();
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resume();
      };
      res.on('drain', done);
      res.on('close', done);
    },
    end() {
      add(framer.last);
      if (!gone()) res.end();
    },
    fail(error) {
      add(framer.failed(error));
      if (!gone()) res.end();
    },
  };
}
