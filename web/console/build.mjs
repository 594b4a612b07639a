#!/usr/bin/env node
// `npm run build:web` (after the widget): the staff console (web/console/dist: index.html and
// hashed chunks under assets/) with precompressed twins (.br, .gz) of every file the server sends.
// Incremental like the widget's build: when the inputs' hash matches the stamp, nothing is done.
//   node web/console/build.mjs [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '../..');
const INPUTS = ['web/console/src', 'web/console/i18n', 'web/console/index.html', 'web/console/vite.config.ts', 'web/console/tsconfig.json', 'web/console/build.mjs', 'protocol', 'package-lock.json'];
const STAMP = '.build-inputs';
const out = path.join(ROOT, 'web/console/dist');
const force = process.argv.includes('--force');
const started = performance.now();
const seconds = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

function inputsHash() {
  const hash = createHash('sha256');
  const visit = (rel) => {
    const abs = path.join(ROOT, rel);
    const stat = fs.statSync(abs, { throwIfNoEntry: false });
    if (!stat) return;
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

// One build at a time (test files build in parallel): the others wait, then find it up to date.
const lock = `${out}.lock`;
for (;;) {
  try {
    fs.closeSync(fs.openSync(lock, 'wx'));
    break;
  } catch (err) {
    if (err.code !== 'EEXIST') throw err;
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > 180_000) fs.rmSync(lock, { force: true });
    else await new Promise((r) => setTimeout(r, 200));
  }
}
process.on('exit', () => fs.rmSync(lock, { force: true }));

const inputs = inputsHash();
const stamp = path.join(out, STAMP);
if (!force && fs.existsSync(path.join(out, 'index.html')) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8').trim() === inputs) {
  console.log(`console: up to date (inputs unchanged), checked in ${seconds()}`);
  process.exit(0);
}

fs.rmSync(stamp, { force: true });
run('tsc', ['--noEmit', '-p', 'web/console/tsconfig.json']);
run('vite', ['build', '--config', 'web/console/vite.config.ts']);
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const sizes = [];
const compress = (dir) => {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) compress(file);
    else if (/\.(js|css|html|svg|json)$/.test(name)) {
      const body = fs.readFileSync(file);
      const gz = zlib.gzipSync(body, { level: 9 });
      fs.writeFileSync(`${file}.gz`, gz);
      fs.writeFileSync(`${file}.br`, zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length } }));
      sizes.push(`${path.relative(out, file)} ${kb(body.length)} (gzip ${kb(gz.length)})`);
    }
  }
};
compress(out);
fs.writeFileSync(stamp, `${inputs}\n`);
console.log(`console: built in ${seconds()}: ${sizes.join(', ')}`);
