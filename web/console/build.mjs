#!/usr/bin/env node
// `npm run build:web` (after the widget): the staff console (web/console/dist: index.html and
// hashed chunks under assets/) with precompressed twins (.br, .gz) of every file the server sends.
// Incremental like the widget's build: when the inputs' hash matches the stamp, nothing is done.
//   node web/console/build.mjs [--force]
import fs from 'node:fs';
import path from 'node:path';
import { buildLock, compressBeside, inputsHash, kb, ROOT, run, STAMP, timer } from '../buildKit.mjs';

const INPUTS = [
  'web/console/src',
  'web/widget/src/markdown.ts',
  'web/widget/src/renderMarkdown.ts',
  'web/console/i18n',
  'web/console/index.html',
  'web/console/vite.config.ts',
  'web/console/tsconfig.json',
  'web/console/build.mjs',
  'web/buildKit.mjs',
  'protocol',
  'package-lock.json',
];
const out = path.join(ROOT, 'web/console/dist');
const force = process.argv.includes('--force');
const seconds = timer();

await buildLock(out);
const inputs = inputsHash(INPUTS);
const stamp = path.join(out, STAMP);
if (
  !force &&
  fs.existsSync(path.join(out, 'index.html')) &&
  fs.existsSync(stamp) &&
  fs.readFileSync(stamp, 'utf8').trim() === inputs
) {
  console.log(`console: up to date (inputs unchanged), checked in ${seconds()}`);
  process.exit(0);
}

fs.rmSync(stamp, { force: true }); // an interrupted build is never taken for a complete one
run('tsc', ['--noEmit', '-p', 'web/console/tsconfig.json']);
run('vite', ['build', '--config', 'web/console/vite.config.ts']);
const sizes = [];
const compress = (dir) => {
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isDirectory()) compress(file);
    else if (/\.(js|css|html|svg|json)$/.test(name)) {
      const size = compressBeside(file);
      sizes.push(`${path.relative(out, file)} ${kb(size.raw)} (gzip ${kb(size.gz)})`);
    }
  }
};
compress(out);
fs.writeFileSync(stamp, `${inputs}\n`);
console.log(`console: built in ${seconds()}: ${sizes.join(', ')}`);
