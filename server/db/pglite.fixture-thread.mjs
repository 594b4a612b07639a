// A database thread for pglite.test.ts: says it is ready, then exits (code 3) on the first call,
// as a thread whose PostgreSQL aborted would.
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (message) => {
  if (message.type === 'exec') process.exit(3);
  if (message.type === 'close') parentPort.postMessage({ type: 'closed' });
});
