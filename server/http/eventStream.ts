// Server-sent events written to the response directly rather than through Koa's stream pipeline
// (which costs a Readable, a pipeline and an AbortError per response): frames produced in the same
// tick go out as one write, and the writer waits for the socket when the caller reads slowly.
import type { ServerResponse } from 'node:http';

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
 * Sends every frame, then ends the response. The frames are read to their end even after the
 * caller hung up (nothing more is written then): whatever produces them finishes its own work,
 * such as writing its audit record.
 */
export async function writeEventStream(res: ServerResponse, frames: AsyncIterable<string>): Promise<void> {
  let pending = '';
  let flushQueued = false;
  const gone = () => res.destroyed || res.writableEnded;
  const flush = () => {
    flushQueued = false;
    if (pending && !gone()) res.write(pending);
    pending = '';
  };
  try {
    for await (const frame of frames) {
      if (gone()) continue;
      pending += frame;
      if (!flushQueued) {
        flushQueued = true;
        process.nextTick(flush);
      }
      if (res.writableNeedDrain) await drainedOrClosed(res);
    }
  } finally {
    if (!gone()) res.end(pending);
    pending = '';
  }
}
