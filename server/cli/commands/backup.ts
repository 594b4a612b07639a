// `npx palisade backup DIR`: the database (PGlite's gzipped dump of its data directory, taken under
// its lock; pg_dump on a server), the policy files and the audit checkpoints, with a manifest of
// SHA-256 hashes signed under a key derived from the master key. Never the master key, the key
// store or the other secrets: erasure destroys a subject's key-store secret so that no backup opens
// that subject again, which holds only while backups and keys are kept apart (docs/operations.md).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CLI_ACTOR, type Command, fail, version } from '../command.ts';

/** What every backup leaves out, as the manifest states it. */
export const EXCLUDED = [
  'master key (MASTER_KEY / secrets/master.key)',
  'key store (keystore/)',
  'JWT secret',
  'audit checkpoint key',
  'metrics token',
];

/** `DIR` or `--out DIR` (the spelling and the short one); null when neither or both. */
export function dirArgument(
  argv: string[],
  flag: 'out' | 'from',
  extra: Record<string, { type: 'boolean' | 'string' }> = {},
) {
  const { values, positionals } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: true,
    options: { [flag]: { type: 'string' }, ...extra },
  });
  const given = [values[flag], ...positionals].filter((v): v is string => typeof v === 'string');
  return { dir: given.length === 1 ? path.resolve(given[0]!) : null, values };
}

export const backup: Command = {
  summary:
    'Back up the database, policies and audit checkpoints into DIR (a new or empty folder) with a signed manifest; the master key and key store are kept apart.',
  args: 'DIR (or --out DIR)',
  run: async (argv) => {
    const { dir } = dirArgument(argv, 'out');
    if (!dir) return fail('give one folder: npx palisade backup DIR');
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0)
      return fail(`${dir} is not empty: a backup goes into a new or empty folder`);
    const [
      { loadConfig },
      { loadSecrets },
      { POLICIES_DIR },
      { appendAudit },
      { sealAudit },
      { checkpointFile },
      { dumpDatabase },
      { BackupRefused, writeManifest },
    ] = await Promise.all([
      import('../../config.ts'),
      import('../../secrets.ts'),
      import('../../policies.ts'),
      import('../../audit/append.ts'),
      import('../../audit/seal.ts'),
      import('../../audit/witness.ts'),
      import('../backupDatabase.ts'),
      import('../backupManifest.ts'),
    ]);
    const config = loadConfig();
    const { secrets } = loadSecrets(config);
    const kind = config.database.kind;
    const database = kind === 'pglite' ? 'database.tar.gz' : 'database.dump';
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      // The backup is on the record in the database it copies, chained before the copy is taken.
      await dumpDatabase(config, path.join(dir, database), async (db) => {
        await db.dataSource.transaction((tx) =>
          appendAudit(tx, {
            actor: CLI_ACTOR,
            action: 'backup.create',
            resource: { type: 'Backup' },
            details: { database: kind },
          }),
        );
        await sealAudit(db.dataSource);
      });
    } catch (err) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (err instanceof BackupRefused || (err as Error).name === 'DataDirInUse')
        return fail((err as Error).message, 1);
      throw err;
    }
    const files = [database];
    const copy = (from: string, rel: string) => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true, mode: 0o700 });
      fs.copyFileSync(from, path.join(dir, rel));
      fs.chmodSync(path.join(dir, rel), 0o600);
      files.push(rel);
    };
    const policies = config.models.policiesDir ?? POLICIES_DIR;
    for (const name of fs
      .readdirSync(policies)
      .filter((n) => n.endsWith('.yaml'))
      .sort())
      copy(path.join(policies, name), `policies/${name}`);
    if (config.privacy.retentionPolicyFile)
      copy(config.privacy.retentionPolicyFile, `retention-policy/${path.basename(config.privacy.retentionPolicyFile)}`);
    if (fs.existsSync(checkpointFile(config.dataDir))) copy(checkpointFile(config.dataDir), 'audit-checkpoints.jsonl');
    const manifest = writeManifest(
      dir,
      secrets.masterKey,
      {
        createdAt: new Date().toISOString(),
        version: version(),
        database: { kind, file: database },
        excluded: EXCLUDED,
      },
      files,
    );
    const bytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
    process.stdout.write(
      `backed up ${kind} database and ${files.length - 1} files (${bytes} bytes) to ${dir}\nnot in it, keep apart: ${EXCLUDED.join('; ')}\n`,
    );
    return 0;
  },
};
