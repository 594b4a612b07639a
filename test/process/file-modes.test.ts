// The data directory as a started appliance leaves it: nothing in it is open to the group or to
// other users, whether the process created it (umask 077) or found it so (narrowed at start).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort, type Proc, startProcess } from '../support/spawn.ts';

let db: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-modes-'));
});
afterAll(async () => {
  if (db.kind === 'postgres') await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Every file and directory under dir (itself included) whose mode lets the group or others in. */
function openToOthers(dir: string): string[] {
  const found: string[] = [];
  const visit = (p: string) => {
    const stat = fs.lstatSync(p);
    if (stat.isSymbolicLink()) return;
    if ((stat.mode & 0o077) !== 0) found.push(`${path.relative(dir, p) || '.'} ${(stat.mode & 0o777).toString(8)}`);
    if (stat.isDirectory()) for (const name of fs.readdirSync(p)) visit(path.join(p, name));
  };
  visit(dir);
  return found;
}

function count(dir: string): number {
  return fs.readdirSync(dir, { recursive: true }).length;
}

async function startAndStop(): Promise<Proc> {
  const p = startProcess(['server/main.ts'], { PALISADE_DATA_DIR: dataDir, PORT: String(await freePort()), ...db.env });
  await p.waitFor(/"message":"server.ready"/);
  p.child.kill('SIGTERM');
  const code = await p.exited;
  expect(
    code,
    `signal ${p.child.signalCode}; stderr: ${p.stderr().slice(-2000)}; stdout: ${p.stdout().slice(-1500)}`,
  ).toBe(0);
  return p;
}

describe('file modes in the data directory', () => {
  it('a first start leaves no file or directory open to the group or others', async () => {
    fs.chmodSync(dataDir, 0o755); // as a directory made by hand would be
    await startAndStop();
    expect(count(dataDir)).toBeGreaterThan(2); // secrets at least (and the embedded database)
    if (db.kind === 'pglite') expect(count(path.join(dataDir, 'pglite'))).toBeGreaterThan(100);
    expect(openToOthers(dataDir)).toEqual([]);
  });

  it('a start narrows modes an earlier install or a restore left open', async () => {
    const widened = [path.join(dataDir, 'secrets'), path.join(dataDir, 'secrets', 'jwt.key')];
    if (db.kind === 'pglite')
      widened.push(path.join(dataDir, 'pglite', 'PG_VERSION'), path.join(dataDir, 'pglite', 'base'));
    for (const p of widened) fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o777 : 0o666);
    const p = await startAndStop();
    expect(openToOthers(dataDir)).toEqual([]);
    expect(p.stdout()).toContain('data.modes_restricted');
  });
});
