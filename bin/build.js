#!/usr/bin/env node
// `npm run build`: compiles server/ and gateway/ once into build/ (same layout, .js files), so the
// CLI and the server start without compiling TypeScript. esbuild only strips types (the typecheck is
// `npm run typecheck`); the code uses no decorators (entities are EntitySchemas), so nothing needs
// TypeScript's decorator metadata. Skips the work when build/ is current; `--force` rebuilds.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUILD_DIR, isBuildCurrent, listSources, MANIFEST, ROOT, sourceState } from './build-state.js';

/** Each file compiles on its own: imports stay imports, with `.ts` specifiers made `.js`. */
const keepImports = {
  name: 'keep-imports',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const relative = args.path.startsWith('.');
      return { path: relative ? args.path.replace(/\.ts$/, '.js') : args.path, external: true };
    });
  },
};

export async function buildServer({ force = false } = {}) {
  if (!force && isBuildCurrent()) return { built: false };
  const started = performance.now();
  const files = listSources();
  const state = sourceState(files);
  // A fresh folder beside the old one, renamed into place: a reader never sees half a build.
  const next = `${BUILD_DIR}.next-${process.pid}`;
  fs.rmSync(next, { recursive: true, force: true });
  const entryPoints = files.filter((f) => f.endsWith('.ts'));
  fs.mkdirSync(next, { recursive: true });
  // none when `npm ci` runs before the sources are copied in (ops/Dockerfile)
  if (entryPoints.length)
    await build({
      absWorkingDir: ROOT,
      entryPoints,
      outdir: next,
      outbase: '.',
      bundle: true,
      plugins: [keepImports],
      platform: 'node',
      format: 'esm',
      target: 'node20',
      sourcemap: 'linked',
      logLevel: 'warning',
    });
  for (const rel of files.filter((f) => !f.endsWith('.ts'))) {
    fs.mkdirSync(path.dirname(path.join(next, rel)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, rel), path.join(next, rel));
  }
  // Files the code finds relative to itself (web assets, policies, package.json) resolve the same from build/.
  for (const name of ['web', 'policies', 'package.json']) fs.symlinkSync(path.join('..', name), path.join(next, name));
  fs.writeFileSync(
    path.join(next, 'manifest.json'),
    JSON.stringify({ builtAt: new Date().toISOString(), sources: state }),
  );
  const old = `${BUILD_DIR}.old-${process.pid}`;
  if (fs.existsSync(BUILD_DIR)) fs.renameSync(BUILD_DIR, old);
  fs.renameSync(next, BUILD_DIR);
  fs.rmSync(old, { recursive: true, force: true });
  return { built: true, files: files.length, ms: Math.round(performance.now() - started), manifest: MANIFEST };
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  const result = await buildServer({ force: process.argv.includes('--force') });
  process.stdout.write(result.built ? `build/: ${result.files} files in ${result.ms} ms\n` : 'build/ is up to date\n');
}
