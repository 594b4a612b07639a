#!/usr/bin/env node
// `npm run build:web`: the widget bundle (web/widget/dist/widget.js) with its precompressed twins
// (widget.js.br, widget.js.gz) that the server sends to browsers accepting them. Incremental: the
// inputs (sources, strings, build config, the shared protocol types, the lock file) are hashed, and
// when the hash matches the one stored beside a complete build nothing is done.
//   node web/widget/build.mjs [--force] [--out <dir>]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INPUTS = ['web/widget/src', 'web/widget/i18n', 'web/widget/vite.config.ts', 'web/widget/tsconfig.json', 'web/widget/build.mjs', 'server/chat/events.ts', 'protocol', 'package-lock.json'];
const STAMP = '.build-inputs';
const OUTPUTS = ['widget.js', 'widget.js.br', 'widget.js.gz'];

const args = process.argv.slice(2);
const force = args.includes('--force');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1] ?? '') : path.join(ROOT, 'web/widget/dist');
const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

/** Every input file under the listed paths, sorted, hashed with its path. */
export function inputsHash() {
  const hash = createHash('sha256');
  const visit = (rel) => {
    const abs = path.join(ROOT, rel);
    let stat;
    try {
      stat = fs.statSync(abs);
    } catch {
      return; // an optional input (protocol/ before it exists)
    }
    if (stat.isDirectory()) for (const name of fs.readdirSync(abs).sort()) visit(path.join(rel, name));
    else hash.update(`${rel}\0${stat.size}\0`).update(fs.readFileSync(abs)).update('\0');
  };
  for (const rel of INPUTS) visit(rel);
  return hash.digest('hex');
}

const run = (bin, argv) => {
  const r = spawnSync(path.join(ROOT, 'node_modules/.bin', bin), argv, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const inputs = inputsHash();
const stamp = path.join(out, STAMP);
const upToDate = () => OUTPUTS.every((f) => fs.existsSync(path.join(out, f))) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === inputs;

// One build at a time (test files build in parallel): the others wait, then find it up to date.
const lock = `${out}.lock`;
for (;;) {
  try {
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.closeSync(fs.openSync(lock, 'wx'));
    break;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 180_000) fs.rmSync(lock, { force: true }); // left by a killed build
    else await new Promise((r) => setTimeout(r, 200));
  }
}
process.on('exit', () => fs.rmSync(lock, { force: true }));

if (!force && upToDate()) {
  console.log(`widget: up to date (inputs unchanged), checked in ${seconds()}`);
  process.exit(0);
}

fs.rmSync(stamp, { force: true }); // an interrupted build is never taken for a complete one
run('tsc', ['--noEmit', '-p', 'web/widget/tsconfig.json']);
run('vite', ['build', '--config', 'web/widget/vite.config.ts', '--outDir', out, '--emptyOutDir']);
const bundle = fs.readFileSync(path.join(out, 'widget.js'));
const gz = zlib.gzipSync(bundle, { level: 9 });
const br = zlib.brotliCompressSync(bundle, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bundle.length } });
fs.writeFileSync(path.join(out, 'widget.js.gz'), gz);
fs.writeFileSync(path.join(out, 'widget.js.br'), br);
fs.writeFileSync(stamp, `${inputs}\n`);
console.log(`widget: built in ${seconds()}: widget.js ${kb(bundle.length)}, gzip ${kb(gz.length)}, brotli ${kb(br.length)}`);
