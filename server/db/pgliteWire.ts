// node-postgres's connection to an embedded PGlite: the messages pg writes in one turn of the event
// loop (an extended query's Parse, Bind, Describe, Execute and Sync) go to the backend as one
// buffer, and its reply is parsed with pg's own protocol parser. PGlite's bundled adapter sends each
// message on its own, so a query cost five trips through the backend's main loop, each with its
// file-sync step; and the backend here may be a worker thread (pgliteThread.ts), where each trip
// is a round trip between threads.
import { EventEmitter } from 'node:events';
import type { PGlite } from '@electric-sql/pglite';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';
import type { BackendMessage } from 'pg-protocol/dist/messages.js';

/** What runs the wire protocol: PGlite's execProtocolRaw, here or on its thread. */
export interface WireBackend {
  readonly waitReady: Promise<void>;
  /** runs the frontend messages in `bytes` and answers with the backend's reply, whole */
  exec(bytes: Uint8Array): Promise<Uint8Array>;
}

/** PGlite on this thread as the backend. */
export const inProcessBackend = (pglite: PGlite): WireBackend => ({
  waitReady: pglite.waitReady,
  exec: (bytes) => pglite.execProtocolRaw(bytes),
});

type Serialized = ReturnType<typeof serialize.sync>;

/**
 * The `connection` pg's Client uses in place of its socket connection (the same shape PGlite's
 * adapter gives it). One backend session: pg's pool is kept at one client, the session (and its
 * prepared statements, remembered in parsedStatements) outlives a client that ends.
 */
export class PgliteWireConnection extends EventEmitter {
  _connecting = false;
  parsedStatements: Record<string, string> = {};
  submittedNamedStatements: Record<string, string> = {};
  readonly stream = { destroy: () => this.end(), writable: true };
  #backend: WireBackend;
  #chain: Promise<unknown>;
  #queued: Uint8Array[] = [];
  #flushScheduled = false;
  #emitMessage = false;
  #parser = new Parser();

  constructor(backend: WireBackend) {
    super();
    this.#backend = backend;
    this.#chain = backend.waitReady;
    this.on('newListener', (event) => {
      if (event === 'message') this.#emitMessage = true;
    });
  }

  connect(): void {
    this._connecting = true;
    void this.#chain.then(
      () => process.nextTick(() => this.emit('readyForQuery')),
      (error: unknown) => this.emit('error', error),
    );
  }

  #send(bytes: Serialized): void {
    this.#queued.push(bytes);
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const parts = this.#queued;
    this.#queued = [];
    // A fresh buffer: pg's serialized messages may be views into a shared pool, and a thread
    // backend takes the buffer it is given.
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const p of parts) {
      bytes.set(p, at);
      at += p.byteLength;
    }
    this.#chain = this.#chain
      .then(() => this.#backend.exec(bytes))
      .then((reply) => {
        if (reply.byteLength)
          this.#parser.parse(Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength), (message) =>
            this.#deliver(message),
          );
      })
      .catch((error: unknown) => {
        this.#parser = new Parser(); // a partial message from a failed reply must not prefix the next
        this.emit('error', error);
      });
  }

  #deliver(message: BackendMessage): void {
    if (this.#emitMessage) this.emit('message', message);
    this.emit(message.name === 'error' ? 'errorMessage' : message.name, message);
  }

  query(text: string): void {
    this.#send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.#send(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.#send(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.#send(serialize.execute(config));
  }
  describe(message: Parameters<typeof serialize.describe>[0]): void {
    this.#send(serialize.describe(message));
  }
  close(message: Parameters<typeof serialize.close>[0]): void {
    this.#send(serialize.close(message));
  }
  flush(): void {
    this.#send(serialize.flush());
  }
  sync(): void {
    this.#send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.#send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.#send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.#send(serialize.copyFail(message));
  }
  // No startup, TLS, password or cancel on an embedded backend: the session is open already.
  requestSsl(): void {}
  startup(): void {}
  password(): void {}
  sendSASLInitialResponseMessage(): void {}
  sendSCRAMClientFinalMessage(): void {}
  cancel(): void {}
  ref(): void {}
  unref(): void {}

  /** The client is done: it hears 'end' once what it sent has been answered; the session stays. */
  end(): void {
    this.#chain = this.#chain.then(
      () => this.emit('end'),
      () => this.emit('end'),
    );
    for (const event of this.eventNames()) if (event !== 'newListener') this.removeAllListeners(event);
    this.#emitMessage = false;
  }
}
