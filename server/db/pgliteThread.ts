// The embedded database on a thread of its own. PGlite runs PostgreSQL compiled to WebAssembly: on
// the event loop, every statement's planning and execution (an audit insert: ~0.5 ms) held up every
// request and stream the server was serving. On its thread it runs beside them; the event loop only
// hands it wire-protocol bytes and parses the reply (pgliteWire.ts batches a query's messages into
// one trip). A thread that fails or exits fails every waiting and later call with "PGlite is
// closed", which the server treats as the database being unavailable (503, /readyz not ready).
import { Worker } from 'node:worker_threads';
import type { WireBackend } from './pgliteWire.ts';

export interface PgliteThread extends WireBackend {
  close(): Promise<void>;
}

type Reply =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'reply'; id: number; bytes?: Uint8Array; error?: string }
  | { type: 'closed' };

const closedError = (why: string) => new Error(`PGlite is closed (${why})`);

/** Starts PGlite on a worker thread, on `dataDir` (absent: in memory). `module`: the thread's code (tests run their own). */
export function startPgliteThread(dataDir?: string, opts: { module?: URL } = {}): PgliteThread {
  const worker = new Worker(opts.module ?? new URL('./pglite-thread.mjs', import.meta.url), {
    workerData: { dataDir },
  });
  // Referenced only while it has work (starting, a reply owed, closing): a process whose database
  // sits idle (a CLI command that is done) may exit; one waiting on the database may not.
  let starting = true;
  let closing = false;
  const hold = () => (starting || closing || waiting.size > 0 ? worker.ref() : worker.unref());
  const waiting = new Map<number, { resolve: (bytes: Uint8Array) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  let gone: Error | undefined;
  let onClosed: (() => void) | undefined;
  let settleReady!: { resolve: () => void; reject: (error: Error) => void };
  const waitReady = new Promise<void>((resolve, reject) => (settleReady = { resolve, reject }));
  waitReady.catch(() => undefined); // observed by whoever awaits it; unobserved, not a crash

  const fail = (error: Error) => {
    gone ??= error;
    starting = false;
    void worker.terminate();
    settleReady.reject(error);
    onClosed?.();
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (m: Reply) => {
    if (m.type === 'ready') {
      starting = false;
      hold();
      settleReady.resolve();
    } else if (m.type === 'failed') fail(new Error(m.message));
    else if (m.type === 'closed') onClosed?.();
    else {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      hold();
      if (m.error !== undefined) w?.reject(new Error(m.error));
      else w?.resolve(m.bytes ?? new Uint8Array(0));
    }
  });
  worker.on('error', (error) => fail(closedError(`its thread failed: ${error.message}`)));
  worker.on('exit', (code) => fail(closedError(`its thread exited with code ${code}`)));

  return {
    waitReady,
    exec(bytes) {
      if (gone) return Promise.reject(gone);
      const id = nextId++;
      // The buffer is handed over (not copied): a view into a larger one is copied first.
      if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) bytes = bytes.slice();
      return new Promise<Uint8Array>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        hold();
        worker.postMessage({ type: 'exec', id, bytes }, [bytes.buffer as ArrayBuffer]);
      });
    },
    async close() {
      if (gone) return;
      const closed = new Promise<void>((resolve) => (onClosed = resolve));
      closing = true;
      hold();
      worker.postMessage({ type: 'close' });
      await closed;
      gone = closedError('closed');
      await worker.terminate();
    },
  };
}
