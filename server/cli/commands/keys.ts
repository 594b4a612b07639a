// `npx palisade keys rotate-master`: a new master key over every subject's data key (a file, or a
// key in the HSM with KEY_STORE=pkcs11); `keys create-hsm-key`: the HSM's master key, made inside it.
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

/** The wrapper to rotate to: a key file (KEY_STORE=file) or another key on the token (KEY_STORE=pkcs11). */
async function nextWrapper(values: { 'new-key-file'?: string; 'new-hsm-key-label'?: string }) {
  const { loadConfig } = await import('../../config.ts');
  const settings = loadConfig().keys;
  const k = await import('../privacyKit.ts');
  if (settings.kind === 'pkcs11') {
    // Keys never move out of the HSM into a file by this command.
    if (!values['new-hsm-key-label'])
      throw new Error(
        'KEY_STORE=pkcs11: give --new-hsm-key-label LABEL (a key made with keys create-hsm-key --label LABEL)',
      );
    const { openPkcs11Token } = await import('../../privacy/pkcs11/index.ts');
    const { pkcs11KeyWrapper } = await import('../../privacy/pkcs11/wrapper.ts');
    return {
      wrapper: pkcs11KeyWrapper(openPkcs11Token(settings), values['new-hsm-key-label']),
      next: `PKCS11_KEY_LABEL=${values['new-hsm-key-label']}`,
    };
  }
  const file = values['new-key-file'];
  if (!file) throw new Error('--new-key-file is required (32 random bytes, base64; mode 600)');
  return {
    wrapper: k.masterKeyWrapper(readKeyFile(file)),
    next: `MASTER_KEY_FILE=${file} (or replace data/secrets/master.key)`,
  };
}

export const keys: Group = {
  summary: 'Keys: rotate the master key that wraps every data key; create it in an HSM.',
  commands: {
    'rotate-master': {
      summary:
        'Re-wrap every data key under a new master key (data untouched); then point MASTER_KEY_FILE (or PKCS11_KEY_LABEL) at it.',
      args: '--new-key-file FILE | --new-hsm-key-label LABEL',
      run: async (argv) => {
        const { values } = parseArgs({
          args: argv,
          strict: true,
          options: { 'new-key-file': { type: 'string' }, 'new-hsm-key-label': { type: 'string' } },
        });
        let target;
        try {
          target = await nextWrapper(values);
        } catch (err) {
          return fail(err instanceof Error ? err.message : String(err));
        }
        const k = await import('../privacyKit.ts');
        return k.withDeps(async (deps) => {
          const report = await k.rotateMasterKey(
            { dataSource: deps.db.dataSource, now: deps.now },
            k.keyWrapperOf(deps),
            target.wrapper,
            { actor: k.CLI_PRIVACY_ACTOR },
          );
          k.print(report);
          process.stderr.write(
            `Now set ${target.next} on every node and restart. Keep the old key only as long as backups made with it must stay readable.\n`,
          );
          return report.unknown > 0 ? 1 : 0;
        });
      },
    },
    'create-hsm-key': {
      summary:
        'Generate the master key inside the PKCS#11 token (AES-256, sensitive, never extractable); KEY_STORE=pkcs11 settings.',
      args: '[--label LABEL]',
      run: async (argv) => {
        const { values } = parseArgs({ args: argv, strict: true, options: { label: { type: 'string' } } });
        const { loadConfig } = await import('../../config.ts');
        const settings = loadConfig().keys;
        if (settings.kind !== 'pkcs11')
          return fail('set KEY_STORE=pkcs11 with PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN_FILE first');
        const { openPkcs11Token } = await import('../../privacy/pkcs11/index.ts');
        const { createMasterKey, pkcs11KeyWrapper } = await import('../../privacy/pkcs11/wrapper.ts');
        const label = values.label ?? settings.keyLabel;
        const token = openPkcs11Token(settings);
        try {
          createMasterKey(token, label);
          process.stdout.write(
            JSON.stringify({ token: settings.tokenLabel, label, keyId: pkcs11KeyWrapper(token, label).keyId }) + '\n',
          );
          return 0;
        } catch (err) {
          return fail(err instanceof Error ? err.message : String(err), 1);
        } finally {
          token.close();
        }
      },
    },
  },
};
