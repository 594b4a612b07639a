// What the widget's and the console's builds share (web/widget/build.mjs, web/console/build.mjs):
// the hash of their inputs (a build is skipped when it matches the stamp beside a complete one),
// running a local tool, one build at a time per output, and the precompressed twins (.gz, .br).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const STAMP = '.build-inputs';

/** Every file under the listed paths (relative to the repository; a missing one is skipped), sorted, hashed with its path. */
export function inputsHash(inputs) {
  const hash = createHash('sha256');
  const visit = (rel) => {
    const abs = path.join(ROOT, rel);
    const stat = fs.statSync(abs, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const name of fs.readdirSync(abs).sort()) visit(path.join(rel, name));
    else hash.update(`${rel}\0${stat.size}\0`).update(fs.readFileSync(abs)).update('\0');
  };
  for (const rel of inputs) visit(rel);
  return hash.digest('hex');
}

/** Runs a tool from node_modules/.bin; its failure ends the build with its exit code. */
export function run(bin, argv) {
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin', bin), argv, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** One build at a time per output (test files build in parallel): the others wait, then find it up to date. */
export async function buildLock(out) {
  const lock = `${out}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      fs.closeSync(fs.openSync(lock, 'wx'));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000)
        fs.rmSync(lock, { force: true }); // left by a killed build
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  process.on('exit', () => fs.rmSync(lock, { force: true }));
}

/** Writes `file`.gz and `file`.br beside it; returns the three sizes in bytes. */
export function compressBeside(file) {
  const body = fs.readFileSync(file);
  const gz = zlib.gzipSync(body, { level: 9 });
  const br = zlib.brotliCompressSync(body, {
    params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
  });
  fs.writeFileSync(`${file}.gz`, gz);
  fs.writeFileSync(`${file}.br`, br);
  return { raw: body.length, gz: gz.length, br: br.length };
}

export const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** Seconds since the build started, for its last line. */
export function timer() {
  const started = performance.now();
  return () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
}
