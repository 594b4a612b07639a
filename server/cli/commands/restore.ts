// `npx palisade restore DIR`: checks the backup's signed manifest and every file's SHA-256 first
// (an altered backup is refused before anything is touched), loads the database into an empty one,
// puts back the audit checkpoints the database belongs with (the newer ones are moved aside, never
// deleted), and verifies the audit chain. The master key and key store are the install's own: a
// subject erased after the backup stays unreadable, because its key-store secret is gone.
import fs from 'node:fs';
import path from 'node:path';
import { CLI_ACTOR, type Command, fail } from '../command.ts';
import { dirArgument } from './backup.ts';

/** The backup's policy files that differ from (or are missing in) `dir`. */
function policyDifferences(backup: string, dir: string): string[] {
  const names = fs.existsSync(path.join(backup, 'policies')) ? fs.readdirSync(path.join(backup, 'policies')) : [];
  return names.filter(
    (n) =>
      !fs.existsSync(path.join(dir, n)) ||
      !fs.readFileSync(path.join(dir, n)).equals(fs.readFileSync(path.join(backup, 'policies', n))),
  );
}

export const restore: Command = {
  summary:
    'Restore a backup from DIR into an empty database (--replace moves an embedded one aside), put back its audit checkpoints and verify the chain.',
  args: 'DIR (or --from DIR) [--replace] [--policies-to DIR]',
  run: async (argv) => {
    const { dir, values } = dirArgument(argv, 'from', {
      replace: { type: 'boolean' },
      'policies-to': { type: 'string' },
    });
    if (!dir) return fail('give one backup folder: npx palisade restore DIR');
    const [
      { loadConfig },
      { loadSecrets },
      { POLICIES_DIR },
      { appendAudit },
      { sealAudit },
      { verifyChain },
      { checkpointFile, localWitness },
      { loadDatabase },
      { BackupRefused, verifyManifest },
    ] = await Promise.all([
      import('../../config.ts'),
      import('../../secrets.ts'),
      import('../../policies.ts'),
      import('../../audit/append.ts'),
      import('../../audit/seal.ts'),
      import('../../audit/verify.ts'),
      import('../../audit/witness.ts'),
      import('../backupDatabase.ts'),
      import('../backupManifest.ts'),
    ]);
    const config = loadConfig();
    const m = config.secrets.master;
    if (!m.value && !m.file && !fs.existsSync(path.join(config.dataDir, 'secrets', 'master.key'))) {
      return fail(
        'restore needs the master key the backup was made under (it is never in a backup): set MASTER_KEY_FILE, or put it at PALISADE_DATA_DIR/secrets/master.key',
      );
    }
    const { secrets } = loadSecrets(config);
    let manifest;
    try {
      manifest = verifyManifest(dir, secrets.masterKey);
    } catch (err) {
      if (err instanceof BackupRefused) return fail(`backup refused: ${err.message}`, 1);
      throw err;
    }
    if (manifest.database.kind !== config.database.kind)
      return fail(
        `the backup holds a ${manifest.database.kind} database; this install uses ${config.database.kind}`,
        1,
      );
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const checkpoints = checkpointFile(config.dataDir);
    const backedUp = manifest.files.some((f) => f.path === 'audit-checkpoints.jsonl')
      ? path.join(dir, 'audit-checkpoints.jsonl')
      : undefined;
    let verified: Awaited<ReturnType<typeof verifyChain>> | undefined;
    let checkpointsAside: string | undefined;
    let restored;
    try {
      restored = await loadDatabase(
        config,
        path.join(dir, manifest.database.file),
        { replace: values.replace === true, stamp },
        async (db) => {
          // Checkpoints newer than the backup would report the restored chain as cut: they are evidence, so moved aside.
          if (
            fs.existsSync(checkpoints) &&
            !(backedUp && fs.readFileSync(checkpoints).equals(fs.readFileSync(backedUp)))
          ) {
            checkpointsAside = `${checkpoints}.before-restore-${stamp}`;
            fs.renameSync(checkpoints, checkpointsAside);
          }
          if (backedUp && !fs.existsSync(checkpoints))
            (fs.copyFileSync(backedUp, checkpoints), fs.chmodSync(checkpoints, 0o600));
          await db.dataSource.transaction((tx) =>
            appendAudit(tx, {
              actor: CLI_ACTOR,
              action: 'backup.restore',
              resource: { type: 'Backup' },
              details: { database: manifest.database.kind, files: manifest.files.length },
            }),
          );
          await sealAudit(db.dataSource);
          verified = await verifyChain(db.dataSource.manager, localWitness(config.dataDir, secrets.auditCheckpointKey));
        },
      );
    } catch (err) {
      if (err instanceof BackupRefused || (err as Error).name === 'DataDirInUse')
        return fail((err as Error).message, 1);
      throw err;
    }
    const out = [
      `restored the ${manifest.database.kind} database backed up at ${manifest.createdAt} (version ${manifest.version})`,
    ];
    if (restored.movedAside) out.push(`the database that was there is kept at ${restored.movedAside}`);
    if (checkpointsAside) out.push(`the audit checkpoints that were there are kept at ${checkpointsAside}`);
    const policiesTo = values['policies-to'];
    if (typeof policiesTo === 'string') {
      fs.mkdirSync(policiesTo, { recursive: true, mode: 0o700 });
      for (const n of fs.readdirSync(path.join(dir, 'policies')))
        fs.copyFileSync(path.join(dir, 'policies', n), path.join(policiesTo, n));
      out.push(`policies written to ${path.resolve(policiesTo)}: point PALISADE_POLICIES_DIR at it`);
    } else {
      const current = config.models.policiesDir ?? POLICIES_DIR;
      const differ = policyDifferences(dir, current);
      out.push(
        differ.length
          ? `policies in the backup that differ from ${current}: ${differ.join(', ')} (--policies-to DIR writes them out)`
          : `policies: the same as ${current}`,
      );
    }
    const v = verified!;
    out.push(
      v.ok
        ? `audit chain OK: ${v.checked} events`
        : `audit chain BROKEN at chain position ${v.firstBroken?.chainSeq}: ${v.firstBroken?.problem}`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
    return v.ok ? 0 : 1;
  },
};
