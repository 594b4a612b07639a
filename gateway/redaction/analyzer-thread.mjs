// Entry of an analyzer thread. A worker thread does not inherit the `--import tsx` of the process
// that starts it (nor a test runner's transform), so it registers tsx itself and then loads the
// thread's TypeScript module (workerData.module: analyzer-thread.ts, or a test's own). From the
// compiled build/ folder the module is JavaScript and needs no tsx.
import { workerData } from 'node:worker_threads';

if (!String(workerData.module).endsWith('.js')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.module);
