// The compiled build/ folder (bin/build.js) as `npm start` and `npx palisade` use it: the CLI runs
// from it only while it matches the sources, and the appliance starts from it with its threads.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { api } from '../support/server.ts';
import { freePort, ROOT, startProcess } from '../support/spawn.ts';

const run = (cwd: string, args: string[]) =>
  execFileSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
  });

describe('bin/palisade.js and build/', () => {
  let copy: string;
  beforeAll(() => {
    // A copy of the tree to change sources in; its node_modules is the repository's.
    copy = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-build-'));
    for (const dir of ['bin', 'server', 'gateway', 'policies'])
      fs.cpSync(path.join(ROOT, dir), path.join(copy, dir), { recursive: true, preserveTimestamps: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(copy, 'package.json'));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

  it('runs the CLI from build/ while it is current and from the sources once one changes', async () => {
    expect(run(copy, ['bin/build.js'])).toMatch(/^build\/: \d+ files in \d+ ms\n$/);
    expect(run(copy, ['bin/build.js'])).toBe('build/ is up to date\n');
    // Mark the compiled help text: the CLI shows the mark, so it ran from build/.
    const built = path.join(copy, 'build/server/cli/commands/migrate.js');
    fs.writeFileSync(
      built,
      fs.readFileSync(built, 'utf8').replace('Apply pending database migrations', 'COMPILED migrations'),
    );
    expect(run(copy, ['bin/palisade.js', 'migrate', '--help'])).toContain('COMPILED migrations');
    // Change the source: build/ is stale, so the CLI compiles the sources instead of showing old text.
    const source = path.join(copy, 'server/cli/commands/migrate.ts');
    fs.writeFileSync(
      source,
      fs.readFileSync(source, 'utf8').replace('Apply pending database migrations', 'EDITED migrations'),
    );
    expect(run(copy, ['bin/palisade.js', 'migrate', '--help'])).toContain('EDITED migrations');
    // Rebuilt, the build is used again and carries the edit.
    expect(run(copy, ['bin/build.js'])).toMatch(/^build\/: /);
    expect(fs.readFileSync(built, 'utf8')).toContain('EDITED migrations');
    // A removed source makes the build stale too.
    fs.rmSync(path.join(copy, 'server/heap.fixture.ts'));
    expect(run(copy, ['bin/build.js'])).toMatch(/^build\/: /);
  });
});

describe('the appliance from build/', () => {
  let db: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    run(ROOT, ['bin/build.js']);
    db = await createTestDatabase();
    if (db.pglite) await db.pglite.close();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-built-'));
  });
  afterAll(async () => {
    if (db.kind === 'postgres') await db.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts with its analyzer threads, serves /readyz and the demo page, stops on SIGTERM', async () => {
    const port = await freePort();
    const p = startProcess(['build/server/main.js'], {
      PALISADE_DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
      PALISADE_REDACTION_THREADS: '1',
      ...db.env,
    });
    await p.waitFor(/"message":"server.ready"/);
    const base = { url: `http://127.0.0.1:${port}` };
    expect((await api(base, 'GET', '/readyz')).status).toBe(200);
    expect((await api(base, 'GET', '/demo')).status).toBe(200);
    expect(p.stdout()).not.toContain('analyzer_thread_replaced');
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
