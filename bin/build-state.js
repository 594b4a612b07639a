// Whether build/ holds the current compile of the sources. The build records each source file's
// path, size and modification time; the build is current when the source tree still matches that
// record exactly (no file changed, added or removed). A stat of every source: a few milliseconds.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const BUILD_DIR = path.join(ROOT, 'build');
export const MANIFEST = path.join(BUILD_DIR, 'manifest.json');
/** the folders compiled into build/ (those that exist) */
export const SOURCE_DIRS = ['server', 'gateway', 'protocol'];

/** Files the server and the CLI run from: everything under SOURCE_DIRS except tests. */
export const isSource = (rel) => !/\.(test|testkit)\.ts$/.test(rel);

export function listSources() {
  const out = [];
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(ROOT, rel), { withFileTypes: true })) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && isSource(child)) out.push(child);
    }
  };
  for (const dir of SOURCE_DIRS) if (fs.existsSync(path.join(ROOT, dir))) walk(dir);
  return out.sort();
}

/** path → "size:mtime" of every source, as the build records it */
export function sourceState(files = listSources()) {
  const state = {};
  for (const rel of files) {
    const s = fs.statSync(path.join(ROOT, rel));
    state[rel] = `${s.size}:${Math.trunc(s.mtimeMs)}`;
  }
  return state;
}

export function isBuildCurrent() {
  let recorded;
  try {
    recorded = JSON.parse(fs.readFileSync(MANIFEST, 'utf8')).sources;
  } catch {
    return false;
  }
  const now = sourceState();
  const keys = Object.keys(now);
  return keys.length > 0 && keys.length === Object.keys(recorded).length && keys.every((k) => recorded[k] === now[k]);
}
