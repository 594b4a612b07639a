// `npm run build:web` as a newcomer's `npm start` runs it: the first build makes the bundle and its
// compressed twins; with the inputs unchanged the next one does nothing; any changed input (here,
// the stored hash no longer matching) builds again, and so does a build missing a file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const build = (out: string) =>
  execFileSync(process.execPath, [path.join(ROOT, 'web/widget/build.mjs'), '--out', out], {
    cwd: ROOT,
    encoding: 'utf8',
  });

describe('the widget build', () => {
  let out: string;
  beforeAll(() => {
    out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-build-')), 'dist');
  });
  afterAll(() => {
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it('builds once, then skips while its inputs are unchanged, and builds again when they change', () => {
    expect(build(out)).toMatch(/^widget: built in [\d.]+ s: widget\.js [\d.]+ KB, gzip [\d.]+ KB, brotli [\d.]+ KB$/m);
    const bundle = fs.readFileSync(path.join(out, 'widget.js'));
    expect(bundle.toString('utf8')).toContain('palisade-chat');
    expect(zlib.gunzipSync(fs.readFileSync(path.join(out, 'widget.js.gz'))).equals(bundle)).toBe(true);
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(out, 'widget.js.br'))).equals(bundle)).toBe(true);
    const stamp = path.join(out, '.build-inputs');
    expect(fs.readFileSync(stamp, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const built = fs.statSync(path.join(out, 'widget.js')).mtimeMs;

    expect(build(out)).toMatch(/^widget: up to date \(inputs unchanged\)/m);
    expect(fs.statSync(path.join(out, 'widget.js')).mtimeMs).toBe(built);

    // A changed input shows as a stored hash that no longer matches.
    fs.writeFileSync(stamp, `${'0'.repeat(64)}\n`);
    expect(build(out)).toMatch(/^widget: built in/m);
    expect(fs.readFileSync(stamp, 'utf8')).not.toBe(`${'0'.repeat(64)}\n`);

    // A half-finished build (a twin missing) is never taken for a complete one.
    fs.rmSync(path.join(out, 'widget.js.br'));
    expect(build(out)).toMatch(/^widget: built in/m);
    expect(fs.existsSync(path.join(out, 'widget.js.br'))).toBe(true);
  });
});
