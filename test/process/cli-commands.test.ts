// The CLI's api-key, dsr, keys and redact commands as an operator runs them (real child processes on
// the same database settings as the server): each one's output, exit code and refusals.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/spawn.ts';

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close(); // the CLI opens its own embedded database in dataDir
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-cli-commands-'));
  env = { PALISADE_DATA_DIR: dataDir, ...db.env };
});
afterAll(async () => {
  if (db.kind === 'postgres') await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('palisade CLI commands', () => {
  it('api-key create prints the key once; list shows it without the key; revoke revokes it', async () => {
    expect((await runCli(['api-key', 'create'], env)).code).toBe(2);
    const created = await runCli(['api-key', 'create', '--name', 'reporting'], env);
    expect(created.code, created.stderr).toBe(0);
    const key = created.stdout.trim();
    const [, id] = created.stderr.match(/api key ([0-9a-f-]{36}) "reporting" created; it is shown only this once/)!;
    const listed = await runCli(['api-key', 'list'], env);
    expect(listed.code).toBe(0);
    const rows = listed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; name: string; allowCloud: boolean; revokedAt: string | null });
    expect(rows).toMatchObject([{ id, name: 'reporting', allowCloud: false, revokedAt: null }]);
    expect(listed.stdout).not.toContain(key);
    expect((await runCli(['api-key', 'revoke', 'not-a-uuid'], env)).code).toBe(2);
    const revoked = await runCli(['api-key', 'revoke', id!], env);
    expect(revoked.stdout).toBe(`revoked ${id}\n`);
    const after = await runCli(['api-key', 'list'], env);
    expect((JSON.parse(after.stdout) as { revokedAt: string | null }).revokedAt).not.toBeNull();
  });

  it('dsr lists as JSON, refuses bad flags with exit 2 and an unknown subject or request with its error id', async () => {
    const listed = await runCli(['dsr', 'list', '--due', 'overdue'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
    const badState = await runCli(['dsr', 'list', '--state', 'sleeping'], env);
    expect(badState.code).toBe(2);
    expect(badState.stderr).toContain('--state must be one of received,');
    expect((await runCli(['dsr', 'create', '--subject', 'sub_x', '--type', 'gossip'], env)).code).toBe(2);
    const unknownSubject = await runCli(
      ['dsr', 'create', '--subject', 'sub_0000000000000000', '--type', 'access'],
      env,
    );
    expect(unknownSubject.code).toBe(1);
    expect(unknownSubject.stderr).toMatch(/^palisade: [a-z_]+: /);
    const unknownRequest = await runCli(['dsr', 'execute', '--id', '00000000-0000-4000-8000-000000000000'], env);
    expect(unknownRequest.code).toBe(1);
    expect(unknownRequest.stderr).toMatch(/^palisade: not_found: /);
    const resumed = await runCli(['dsr', 'resume'], env);
    expect(resumed.stdout).toBe('resumed 0 erasure job(s)\n');
  });

  it('keys rotate-master refuses a key file others can read and re-wraps under a private one', async () => {
    const file = path.join(dataDir, 'next.key');
    fs.writeFileSync(file, crypto.randomBytes(32).toString('base64'), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    const open = await runCli(['keys', 'rotate-master', '--new-key-file', file], env);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('chmod 600');
    fs.chmodSync(file, 0o600);
    const rotated = await runCli(['keys', 'rotate-master', '--new-key-file', file], env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(JSON.parse(rotated.stdout)).toMatchObject({ unknown: 0 });
    expect(rotated.stderr).toContain(`Now set MASTER_KEY_FILE=${file}`);
  });

  it('redact turns JSON lines of text into redacted lines and rejects an unknown operator', async () => {
    expect((await runCli(['redact', '--operator', 'shred'], env, '')).code).toBe(2);
    const res = await runCli(
      ['redact', '--operator', 'mask'],
      env,
      `${JSON.stringify({ text: 'Write to jan.jansen@example.com please' })}\n`,
    );
    expect(res.code, res.stderr).toBe(0);
    const line = JSON.parse(res.stdout) as { text: string; entities: { type: string }[] };
    expect(line.text).not.toContain('jan.jansen@example.com');
    expect(line.entities.map((e) => e.type)).toContain('EMAIL');
  });
});
