// `npx palisade keys rotate-master`: a new master key over every subject's data key.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { fail, type Group } from '../command.ts';

function readKeyFile(file: string): Uint8Array {
  const stat = fs.statSync(file);
  if ((stat.mode & 0o077) !== 0) throw new Error(`${file} is readable by group/others; chmod 600 it`);
  const bytes = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
  if (bytes.length !== 32) throw new Error(`${file} must hold exactly 32 bytes, base64 (openssl rand -base64 32)`);
  return new Uint8Array(bytes);
}

export const keys: Group = {
  summary: 'Keys: rotate the master key that wraps every data key.',
  commands: {
    'rotate-master': {
      summary: 'Re-wrap every data key under a new master key (data untouched); then point MASTER_KEY_FILE at it.',
      args: '--new-key-file FILE',
      run: async (argv) => {
        const { values } = parseArgs({ args: argv, strict: true, options: { 'new-key-file': { type: 'string' } } });
        const file = values['new-key-file'];
        if (!file) return fail('--new-key-file is required (32 random bytes, base64; mode 600)');
        const k = await import('../privacyKit.ts');
        let next;
        try {
          next = k.masterKeyWrapper(readKeyFile(file));
        } catch (err) {
          return fail(err instanceof Error ? err.message : String(err));
        }
        return k.withDeps(async (deps) => {
          const report = await k.rotateMasterKey({ dataSource: deps.db.dataSource, now: deps.now }, k.keyWrapperOf(deps), next, { actor: k.CLI_PRIVACY_ACTOR });
          k.print(report);
          process.stderr.write(`Now set MASTER_KEY_FILE=${file} (or replace data/secrets/master.key) on every node and restart. Keep the old key only as long as backups made with it must stay readable.\n`);
          return report.unknown > 0 ? 1 : 0;
        });
      },
    },
  },
};
