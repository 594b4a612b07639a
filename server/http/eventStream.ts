// Server-sent events written to the response directly rather than through Koa's stream pipeline
// (which costs a Readable, a pipeline and an AbortError per response): frames produced in the same
// tick go out as one write, and the writer waits for the socket when the caller reads slowly.
// The events are read here and framed by plain functions, with no async layer between the source
// and the socket (a streamed completion passes one event per token).
import type { ServerResponse } from 'node:http';

/** How a stream of events becomes frames: `frame` may give '' for an event that shows nothing. */
export interface EventFramer<T> {
  first: string;
  frame(event: T): string;
  /** the last frame when the source fails (no `last` then) */
  failed(error: unknown): string;
  last: string;
}

const drainedOrClosed = (res: ServerResponse) =>
  new Promise<void>((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });

/**
 * Sends the frames of `head` and then of every event, then ends the response. The events are read
 * to their end even after the caller hung up (nothing more is written then): whatever produces
 * them finishes its own work, such as writing its audit record.
 */
export async function writeEventStream<T>(res: ServerResponse, head: T[], events: AsyncIterator<T>, framer: EventFramer<T>): Promise<void> {
  const gone = () => res.destroyed || res.writableEnded;
  // Each frame is written as it comes: node's response corks the socket at the first write of a
  // tick and uncorks on the next, so frames of one tick already leave in one write.
  const add = (frame: string) => {
    if (frame && !gone()) res.write(frame);
  };
  try {
    add(framer.first);
    for (const e of head) add(framer.frame(e));
    for (;;) {
      const step = await events.next();
      if (step.done) break;
      add(framer.frame(step.value));
      if (res.writableNeedDrain && !gone()) await drainedOrClosed(res);
    }
    add(framer.last);
  } catch (error) {
    add(framer.failed(error));
  } finally {
    if (!gone()) res.end();
  }
}
