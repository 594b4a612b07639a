// `npx palisade evidence --out DIR` and `dsr rectify` as an operator runs them: after a retention run, the bundle is
// written, the chain is reported verified, and the export is on the audit record.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from '../support/spawn.ts';

let db: TestDatabase;
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close(); // the CLI opens its own embedded database in dataDir
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-evidence-cli-'));
  env = { PALISADE_DATA_DIR: dataDir, OLLAMA_HOST: 'gpu1.bank.internal:11434', ...db.env };
});
afterAll(async () => {
  await db.drop().catch(() => undefined);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('writes the bundle, reports the chain verified, and records evidence.export', async () => {
  expect((await runCli(['evidence'], env)).code).toBe(2);
  const retention = await runCli(['retention', 'run', '--dry-run'], env);
  expect(retention.code, retention.stderr).toBe(0);
  const out = path.join(dataDir, 'evidence');
  const r = await runCli(['evidence', '--out', out], env);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/audit chain: verified \(\d+ events\)/);
  // No server has run on this data directory: no checkpoints yet, but the key to check them with.
  expect(fs.readdirSync(out).sort()).toEqual([
    'README.txt',
    'audit-chain.json',
    'audit-checkpoint-key.json',
    'models.json',
    'policies.json',
    'requests.json',
    'retention-runs.json',
  ]);
  expect(JSON.parse(fs.readFileSync(path.join(out, 'retention-runs.json'), 'utf8'))).toHaveLength(1);
  const models = JSON.parse(fs.readFileSync(path.join(out, 'models.json'), 'utf8')) as {
    targets: { target: string; destination: string }[];
  };
  expect(models.targets.find((t) => t.target === 'gpu-pool')?.destination).toBe('http://gpu1.bank.internal:11434');
  const audit = await runCli(['audit', 'export', '--action', 'evidence.export'], env);
  const events = audit.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { action: string; details: { files: number; chainOk: boolean } });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ action: 'evidence.export', details: { files: 7, chainOk: true } });
});

it('dsr rectify checks its arguments and refuses an unknown request with its error id', async () => {
  expect((await runCli(['dsr', 'rectify', '--id', 'x', '--kind', 'fax', '--from', 'a', '--to', 'b'], env)).code).toBe(
    2,
  );
  const r = await runCli(
    [
      'dsr',
      'rectify',
      '--id',
      '00000000-0000-4000-8000-000000000000',
      '--kind',
      'email',
      '--from',
      'a@example.com',
      '--to',
      'b@example.com',
    ],
    env,
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/palisade: not_found:/);
});
