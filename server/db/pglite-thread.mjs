// The embedded database's own thread (see pgliteThread.ts): one PGlite, running the wire-protocol
// messages it is sent, one batch at a time and in the order they came.
import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

// PGlite sets every file it writes to mode 0666 (chmod, past the umask): on this thread, which
// serves only the database, a chmod grants nothing to the group or others (see server/fileModes.ts).
for (const name of ['chmodSync', 'fchmodSync']) {
  const chmod = fs[name];
  fs[name] = (target, mode) => chmod(target, typeof mode === 'number' ? mode & ~0o077 : mode);
}

const db = new PGlite(workerData.dataDir);
let turn = db.waitReady;
turn.then(
  () => parentPort.postMessage({ type: 'ready' }),
  (error) => parentPort.postMessage({ type: 'failed', message: String(error?.message ?? error) }),
);

parentPort.on('message', (message) => {
  if (message.type === 'exec') {
    turn = turn.then(async () => {
      try {
        const reply = await db.execProtocolRaw(message.bytes);
        parentPort.postMessage({ type: 'reply', id: message.id, bytes: reply }, [reply.buffer]);
      } catch (error) {
        parentPort.postMessage({ type: 'reply', id: message.id, error: String(error?.message ?? error) });
      }
    });
  } else if (message.type === 'close') {
    turn = turn.then(async () => {
      await db.close();
      parentPort.postMessage({ type: 'closed' });
    });
  }
});
