// `npx palisade backup` and `restore` as an operator runs them: back up, write more and move the
// audit witness on, restore; the earlier state is back, the chain verifies against the restored
// checkpoints, and a backup altered in a file or in its manifest is refused before anything changes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sealAudit } from '../../server/audit/seal.ts';
import { auditStore } from '../../server/audit/store.ts';
import { localWitness, signCheckpoint, writeCheckpoint } from '../../server/audit/witness.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/database.ts';
import { loadSecrets } from '../../server/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/spawn.ts';

let db: TestDatabase;
let target: TestDatabase | undefined;
let root: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close(); // the CLI opens its own embedded database in the data dir
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-backup-cli-'));
  env = { PALISADE_DATA_DIR: path.join(root, 'data'), ...db.env };
});
afterAll(async () => {
  await db.drop().catch(() => undefined);
  await target?.drop().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

const cli = async (args: string[], e = env) => {
  const r = await runCli(args, e);
  return { ...r, out: r.stdout + r.stderr };
};
const keyNames = async (e = env) =>
  (await cli(['api-key', 'list'], e)).stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { name: string }).name);

/** Seals, and writes a checkpoint of the chain's head signed with this install's key, as the running server does; returns the API keys' names. */
async function checkpointHead(): Promise<string[]> {
  const config = loadConfig(env);
  const database = await openDatabase(config.database);
  try {
    await sealAudit(database.dataSource);
    const head = (await auditStore.chainHead(database.dataSource))!;
    const witness = localWitness(config.dataDir, loadSecrets(config).secrets.auditCheckpointKey);
    expect(
      await writeCheckpoint({ file: witness.file }, signCheckpoint(witness.key, head, 'test-node', new Date())),
    ).toEqual([]);
    return (
      (await database.dataSource.query(`SELECT name FROM api_keys ORDER BY created_at`)) as { name: string }[]
    ).map((r) => r.name);
  } finally {
    await database.close();
  }
}

it('restores the state of the backup with a verifying chain, and refuses an altered backup', async () => {
  expect((await cli(['api-key', 'create', '--name', 'before-backup'])).code).toBe(0);
  await checkpointHead();
  const backup = path.join(root, 'backup');
  expect((await cli(['backup'])).code).toBe(2);
  const made = await cli(['backup', backup]);
  expect(made.code, made.out).toBe(0);
  const manifest = JSON.parse(fs.readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as {
    files: { path: string; sha256: string }[];
    database: { kind: string };
  };
  const files = manifest.files.map((f) => f.path);
  expect(files).toEqual(
    expect.arrayContaining(['policies/routing.yaml', 'policies/redaction.yaml', 'audit-checkpoints.jsonl']),
  );
  expect(files.some((f) => /master|keystore|secret|jwt/i.test(f))).toBe(false);
  for (const f of manifest.files) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  expect((await cli(['backup', backup])).code).toBe(2); // not into a folder that holds something

  // After the backup: more data, sealed and witnessed (a checkpoint ahead of the backup's chain).
  expect((await cli(['api-key', 'create', '--name', 'after-backup'])).code).toBe(0);
  expect(await checkpointHead()).toEqual(['before-backup', 'after-backup']);

  // Altered backups: a changed file, then a changed file with its hash rewritten in the manifest.
  const altered = path.join(root, 'altered');
  fs.cpSync(backup, altered, { recursive: true });
  fs.appendFileSync(path.join(altered, 'policies', 'routing.yaml'), '\n# changed\n');
  const refused = await cli(['restore', altered, '--replace']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toMatch(/backup refused: policies\/routing\.yaml: its SHA-256 does not match/);
  const m = JSON.parse(fs.readFileSync(path.join(altered, 'manifest.json'), 'utf8')) as typeof manifest;
  const { createHash } = await import('node:crypto');
  const changed = fs.readFileSync(path.join(altered, 'policies', 'routing.yaml'));
  Object.assign(
    m.files.find((f) => f.path === 'policies/routing.yaml')!,
    { sha256: createHash('sha256').update(changed).digest('hex'), bytes: changed.length },
  );
  fs.writeFileSync(path.join(altered, 'manifest.json'), JSON.stringify(m));
  expect((await cli(['restore', altered, '--replace'])).stderr).toMatch(/signature does not verify/);
  expect(fs.readdirSync(path.join(root, 'data')).filter((n) => n.includes('before-restore'))).toEqual([]); // nothing touched

  // The restore: into an empty database (a new one on a server; the embedded one moved aside).
  let restoreEnv = env;
  if (db.kind === 'postgres') {
    expect((await cli(['restore', backup])).stderr).toMatch(/is not empty/);
    target = await createTestDatabase();
    restoreEnv = { ...env, ...target.env };
  } else {
    expect((await cli(['restore', backup])).stderr).toMatch(/add --replace/);
  }
  const restored = await cli(['restore', '--from', backup, ...(db.kind === 'pglite' ? ['--replace'] : [])], restoreEnv);
  expect(restored.code, restored.out).toBe(0);
  expect(restored.stdout).toMatch(/audit chain OK/);
  expect(restored.stdout).toMatch(/audit checkpoints that were there are kept at/);
  expect(await keyNames(restoreEnv)).toEqual(['before-backup']);
  const verify = await cli(['audit', 'verify'], restoreEnv);
  expect(verify.code, verify.out).toBe(0);
  expect(verify.stdout).toMatch(/held to the checkpoint signed by test-node/);
  const events = (await cli(['audit', 'export', '--action', 'backup.*'], restoreEnv)).stdout
    .trim()
    .split('\n')
    .map((l) => (JSON.parse(l) as { action: string }).action);
  expect(events).toEqual(['backup.create', 'backup.restore']);
  if (db.kind === 'pglite')
    expect(fs.readdirSync(path.join(root, 'data')).some((n) => n.startsWith('pglite.before-restore-'))).toBe(true);
}, 480_000); // a dozen CLI runs
