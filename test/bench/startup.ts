// Start-up time to the first /readyz 200: on a fresh embedded data dir (schema created, secrets
// generated) and on the existing one. A real child process, as `npm start` runs it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startProcess } from '../support/spawn.ts';
import type { Emit } from './emit.ts';

async function timeToReady(dataDir: string): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const p = startProcess(['server/main.ts'], { PALISADE_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' });
  try {
    for (;;) {
      if (p.child.exitCode !== null) throw new Error(`server exited: ${p.stderr().slice(-500)}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/readyz`);
        if (res.status === 200) return performance.now() - t0;
      } catch {
        /* not listening yet */
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    p.child.kill('SIGTERM');
    await p.exited;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchStartup(emit: Emit, opts: { runs: number }): Promise<void> {
  const fresh: number[] = [];
  const existing: number[] = [];
  for (let r = 0; r < opts.runs; r++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-startup-'));
    try {
      fresh.push(await timeToReady(dir));
      existing.push(await timeToReady(dir));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  for (const [kind, xs] of [['fresh', fresh], ['existing', existing]] as const) {
    emit({ bench: 'startup.readyz', database: 'pglite', data_dir: kind, runs: xs.length, median_ms: Math.round(median(xs)), min_ms: Math.round(Math.min(...xs)), max_ms: Math.round(Math.max(...xs)) });
  }
}
