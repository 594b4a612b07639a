// `npx palisade …` as an operator runs it, against the same database settings as the server.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointFile, signCheckpoint, witnessKey } from '../../server/audit/witness.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { loadSecrets } from '../../server/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ROOT, runCli, startProcess } from '../support/spawn.ts';

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;
beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-cli-'));
  env = { PALISADE_DATA_DIR: dataDir, ...db.env };
});
afterAll(async () => {
  if (db.kind === 'postgres') await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Opens the same database the CLI uses, for tampering the way an attacker with SQL access would. */
async function withSql<T>(fn: (q: (sql: string, params?: unknown[]) => Promise<unknown>) => Promise<T>): Promise<T> {
  const database =
    db.kind === 'postgres' ? db.database : { kind: 'pglite' as const, dir: path.join(dataDir, 'pglite') };
  const opened = await openDatabase(database);
  try {
    return await fn((sql, params) => opened.dataSource.query(sql, params));
  } finally {
    await opened.close();
  }
}

describe('palisade CLI', () => {
  it('--help lists the commands; an unknown command exits 2', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'create-admin', 'audit verify', 'audit export']) expect(help.stdout).toContain(c);
    const bad = await runCli(['frobnicate'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
  });

  it('every group answers --help, help and `help <group>` with its subcommands and flags, exit 0', async () => {
    const groups: Record<string, [string, string][]> = {
      kb: [
        ['import', '--audience'],
        ['search', '--limit'],
      ],
      audit: [
        ['verify', ''],
        ['export', '--format'],
      ],
      dsr: [
        ['list', '--due'],
        ['create', '--type'],
        ['transition', '--to'],
        ['execute', '--out'],
        ['rectify', '--to-kind'],
        ['resume', ''],
      ],
      retention: [['run', '--dry-run']],
      keys: [['rotate-master', '--new-key-file']],
      'api-key': [
        ['create', '--allow-cloud'],
        ['list', ''],
        ['revoke', 'ID'],
      ],
    };
    for (const [group, subs] of Object.entries(groups)) {
      for (const args of [
        [group, '--help'],
        [group, 'help'],
        ['help', group],
      ]) {
        const res = await runCli(args, env);
        expect(res.code, args.join(' ')).toBe(0);
        expect(res.stdout).toContain(`Usage: npx palisade ${group} <subcommand>`);
        for (const [sub, flag] of subs) {
          expect(res.stdout).toMatch(new RegExp(`^  ${sub} +\\S`, 'm'));
          expect(res.stdout).toContain(flag);
        }
      }
    }
    for (const args of [
      ['dsr', 'list', '--help'],
      ['help', 'dsr', 'list'],
    ]) {
      const one = await runCli(args, env);
      expect(one.code).toBe(0);
      expect(one.stdout).toBe(
        'Usage: npx palisade dsr list [--state S] [--subject sub_…] [--due near|overdue]\n  List data-subject requests (JSON); --due near|overdue for those near or past their deadline.\n',
      );
    }
    for (const command of ['migrate', 'create-admin', 'redact', 'evidence']) {
      const res = await runCli(['help', command], env);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`Usage: npx palisade ${command}`);
    }
  });

  it('--version prints the version in package.json; a missing or unknown subcommand exits 2', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const res = await runCli(['--version'], env);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(`${pkg.version}\n`);
    const missing = await runCli(['dsr'], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('"dsr" needs a subcommand');
    const unknown = await runCli(['dsr', 'frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "dsr frobnicate"');
    const unknownHelp = await runCli(['help', 'frobnicate'], env);
    expect(unknownHelp.code).toBe(2);
  });

  it('migrate applies the schema once', async () => {
    const first = await runCli(['migrate'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Foundation');
    const again = await runCli(['migrate'], env);
    expect(again.stdout).toContain('up to date');
  });

  it('create-admin reads the password from stdin, refuses a weak one and a duplicate email', async () => {
    const ok = await runCli(
      ['create-admin', '--email', 'ops@bank.example', '--name', 'Ops Admin'],
      env,
      'a sufficiently long pw\n',
    );
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/created admin [0-9a-f-]{36}/);
    const weak = await runCli(['create-admin', '--email', 'weak@bank.example', '--name', 'Weak'], env, 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('password: must be at least 12 characters');
    const dup = await runCli(
      ['create-admin', '--email', 'OPS@bank.example', '--name', 'Dup'],
      env,
      'another long password\n',
    );
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('already exists');
    const rows = (await withSql((q) => q(`SELECT role, password_hash AS h FROM staff_users`))) as {
      role: string;
      h: string;
    }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.h).toMatch(/^\$2[aby]\$12\$/); // bcrypt, cost 12
  });

  it('audit verify holds the chain to the newest signed checkpoint: a cut tail fails as checkpoint_ahead_of_chain', async () => {
    // Two runs: the first seals what create-admin recorded, the second the first's own audit.verify.
    for (let i = 0; i < 2; i++) expect((await runCli(['audit', 'verify'], env)).code).toBe(0);
    // A checkpoint as the server's sealer signs it, with the data directory's key.
    const key = witnessKey(loadSecrets(loadConfig(env)).secrets.auditCheckpointKey);
    const [head] = (await withSql((q) => q(`SELECT seq::text AS seq, hash FROM audit_chain_head`))) as {
      seq: string;
      hash: string;
    }[];
    fs.writeFileSync(
      checkpointFile(dataDir),
      JSON.stringify(signCheckpoint(key, head!, 'node-test', new Date())) + '\n',
      { mode: 0o600 },
    );
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`held to the checkpoint signed by node-test at`);
    await withSql(async (q) => {
      const [keep] = (await q(
        `SELECT chain_seq::text AS seq, hash FROM audit_events WHERE chain_seq < $1 ORDER BY chain_seq DESC LIMIT 1`,
        [head!.seq],
      )) as { seq: string; hash: string }[];
      await q(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await q(`ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only`);
      await q(`DELETE FROM audit_events WHERE chain_seq > $1 OR chain_seq IS NULL`, [keep!.seq]);
      await q(`UPDATE audit_chain_head SET seq = $1, hash = $2`, [keep!.seq, keep!.hash]);
      await q(`ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_forward_only`);
      await q(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    const cut = await runCli(['audit', 'verify'], env);
    expect(cut.code).toBe(1);
    expect(cut.stdout).toContain(`audit chain BROKEN at chain position ${head!.seq}: checkpoint_ahead_of_chain`);
    fs.rmSync(checkpointFile(dataDir)); // the tests below start from the cut chain, unwitnessed
  }, 240_000); // four CLI runs

  it('audit verify passes on an intact chain and names the first altered row', async () => {
    const ok = await runCli(['audit', 'verify'], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain OK: \d+ events/);
    await withSql(async (q) => {
      await q(`ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete`);
      await q(`UPDATE audit_events SET actor_id = 'someone-else' WHERE seq = 1`);
      await q(`ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete`);
    });
    const broken = await runCli(['audit', 'verify'], env);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at seq 1 \(event [0-9a-f-]{36}, chain position 1\): hash_mismatch/);
  });

  it('audit export writes JSON lines and CSV, and is itself on the record', async () => {
    const out = path.join(dataDir, 'export.jsonl');
    const res = await runCli(['audit', 'export', '--format', 'jsonl', '--out', out, '--action', 'staff.create'], env);
    expect(res.code).toBe(0);
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; hash: string });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.action).toBe('staff.create');
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    const csv = await runCli(['audit', 'export', '--format', 'csv'], env);
    expect(csv.stdout.split('\n')[0]).toBe(
      'seq,id,occurredAt,actorType,actorId,action,subjectId,resourceType,resourceId,purpose,reason,outcome,requestId,details,prevHash,hash',
    );
    expect(csv.stdout).toContain('audit.export');
    const badFilter = await runCli(['audit', 'export', '--from', "2026-01-01' OR 1=1 --"], env);
    expect(badFilter.code).toBe(2);
    expect(badFilter.stderr).toContain('--from');
  });

  it('refuses to open the embedded database while the server holds it', async () => {
    if (db.kind === 'postgres') return; // a server database is shared by design
    const server = startProcess(['server/main.ts'], { ...env, PORT: '0' });
    await server.waitFor(/"server\.ready"/);
    const res = await runCli(['audit', 'verify'], env);
    expect(res.code).toBe(1);
    // It says whose the database is and what to do instead.
    expect(res.stderr).toContain(`the appliance (process ${server.child.pid}) has the embedded database open`);
    expect(res.stderr).toContain(`kill -TERM ${server.child.pid}`);
    expect(res.stderr).toContain('DATABASE_URL');
    // Help needs no database: it answers while the server holds it.
    const help = await runCli(['api-key', '--help'], env);
    expect(help.code).toBe(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
