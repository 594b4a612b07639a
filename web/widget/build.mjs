#!/usr/bin/env node
// `npm run build:web`: the widget bundle (web/widget/dist/widget.js) with its precompressed twins
// (widget.js.br, widget.js.gz) that the server sends to browsers accepting them. Incremental: the
// inputs (sources, strings, build config, the shared protocol types, the lock file) are hashed, and
// when the hash matches the one stored beside a complete build nothing is done.
//   node web/widget/build.mjs [--force] [--out <dir>]
import fs from 'node:fs';
import path from 'node:path';
import { buildLock, compressBeside, inputsHash, kb, ROOT, run, STAMP, timer } from '../buildKit.mjs';

const INPUTS = [
  'web/widget/src',
  'web/widget/i18n',
  'web/widget/vite.config.ts',
  'web/widget/tsconfig.json',
  'web/widget/build.mjs',
  'web/buildKit.mjs',
  'protocol',
  'package-lock.json',
];
const OUTPUTS = ['widget.js', 'widget.js.br', 'widget.js.gz'];

const args = process.argv.slice(2);
const force = args.includes('--force');
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? path.resolve(args[outIndex + 1] ?? '') : path.join(ROOT, 'web/widget/dist');
const seconds = timer();

await buildLock(out);
const inputs = inputsHash(INPUTS);
const stamp = path.join(out, STAMP);
const upToDate = () =>
  OUTPUTS.every((f) => fs.existsSync(path.join(out, f))) &&
  fs.existsSync(stamp) &&
  fs.readFileSync(stamp, 'utf8').trim() === inputs;

if (!force && upToDate()) {
  console.log(`widget: up to date (inputs unchanged), checked in ${seconds()}`);
  process.exit(0);
}

fs.rmSync(stamp, { force: true }); // an interrupted build is never taken for a complete one
run('tsc', ['--noEmit', '-p', 'web/widget/tsconfig.json']);
run('vite', ['build', '--config', 'web/widget/vite.config.ts', '--outDir', out, '--emptyOutDir']);
const size = compressBeside(path.join(out, 'widget.js'));
fs.writeFileSync(stamp, `${inputs}\n`);
console.log(`widget: built in ${seconds()}: widget.js ${kb(size.raw)}, gzip ${kb(size.gz)}, brotli ${kb(size.br)}`);
