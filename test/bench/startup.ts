// Start-up times, each in a real child process as an operator starts it.
// - The appliance: time to the first /healthz and /readyz 200, on a fresh embedded data dir (schema
//   created, secrets generated) and on the existing one; from build/ (`npm start`) and from the
//   sources through tsx.
// - The CLI: time to the end of `--help` and `--version`, from build/ (`node bin/palisade.js`), from
//   the sources through tsx (bin/palisade.js's fallback while build/ is stale), and through npx
//   (`npx palisade`, which adds npm's own start).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, ROOT, startProcess } from '../support/spawn.ts';
import type { Emit } from './emit.ts';

const SERVER_ENTRIES = { build: 'build/server/main.js', tsx: 'server/main.ts' } as const;
type Entry = keyof typeof SERVER_ENTRIES;

async function timeToReady(entry: Entry, dataDir: string): Promise<{ healthz: number; readyz: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const p = startProcess([SERVER_ENTRIES[entry]], {
    PALISADE_DATA_DIR: dataDir,
    PORT: String(port),
    LOG_LEVEL: 'warn',
  });
  let healthz: number | undefined;
  try {
    for (;;) {
      if (p.child.exitCode !== null) throw new Error(`server exited: ${p.stderr().slice(-500)}`);
      try {
        if (healthz === undefined && (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200)
          healthz = performance.now() - t0;
        if (healthz !== undefined && (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200)
          return { healthz, readyz: performance.now() - t0 };
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

const CLI_VIA = {
  build: [process.execPath, 'bin/palisade.js'],
  tsx: [process.execPath, '--import', 'tsx', 'server/cli/main.ts'],
  npx: ['npx', 'palisade'],
} as const;

async function timeCli(via: keyof typeof CLI_VIA, arg: string): Promise<number> {
  const [cmd, ...args] = CLI_VIA[via];
  const t0 = performance.now();
  const child = spawn(cmd, [...args, arg], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`${CLI_VIA[via].join(' ')} ${arg} exited ${code}`);
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const stats = (xs: number[]) => ({
  runs: xs.length,
  median_ms: Math.round(median(xs)),
  min_ms: Math.round(Math.min(...xs)),
  max_ms: Math.round(Math.max(...xs)),
});

export async function benchStartup(emit: Emit, opts: { runs: number }): Promise<void> {
  execFileSync(process.execPath, ['bin/build.js'], { cwd: ROOT, stdio: 'ignore' }); // build/ current, as after `npm install`
  for (const entry of Object.keys(SERVER_ENTRIES) as Entry[]) {
    const times: Record<'fresh' | 'existing', { healthz: number; readyz: number }[]> = { fresh: [], existing: [] };
    for (let r = 0; r < opts.runs; r++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-startup-'));
      try {
        times.fresh.push(await timeToReady(entry, dir));
        times.existing.push(await timeToReady(entry, dir));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    for (const [kind, xs] of Object.entries(times)) {
      emit({ bench: 'startup.readyz', entry, database: 'pglite', data_dir: kind, ...stats(xs.map((x) => x.readyz)) });
      emit({ bench: 'startup.healthz', entry, database: 'pglite', data_dir: kind, ...stats(xs.map((x) => x.healthz)) });
    }
  }
  for (const via of Object.keys(CLI_VIA) as (keyof typeof CLI_VIA)[]) {
    for (const arg of ['--help', '--version']) {
      const xs: number[] = [];
      await timeCli(via, arg); // warm: the file cache, tsx's compile cache
      for (let r = 0; r < Math.max(3, opts.runs * 2); r++) xs.push(await timeCli(via, arg));
      emit({ bench: 'startup.cli', command: arg, via, ...stats(xs) });
    }
  }
}
