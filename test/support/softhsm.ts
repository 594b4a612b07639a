// SoftHSM2 (Debian's softhsm2) as the HSM: tokens in a temporary directory of their own. Tests that
// need it skip, saying why, when it is not installed; CI installs it and sets PALISADE_REQUIRE_HSM=1
// so a missing SoftHSM2 fails there instead of skipping.
//
// SoftHSM2 reads SOFTHSM2_CONF and its tokens when a process first initialises it: a test file
// makes every token it needs (softHsm) before anything opens one.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Pkcs11Settings } from '../../server/privacy/pkcs11/index.ts';

export const SOFTHSM_MODULE = process.env.SOFTHSM2_MODULE ?? '/usr/lib/softhsm/libsofthsm2.so';

function utilPresent(): boolean {
  try {
    execFileSync('softhsm2-util', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const softHsmAvailable = fs.existsSync(SOFTHSM_MODULE) && utilPresent();
if (!softHsmAvailable && process.env.PALISADE_REQUIRE_HSM === '1') {
  throw new Error(
    `PALISADE_REQUIRE_HSM=1 but no SoftHSM2 (${SOFTHSM_MODULE}, softhsm2-util): apt-get install softhsm2`,
  );
}

export const TOKEN_PIN = '4096-1357';

export interface SoftHsm {
  dir: string;
  /** environment a child process needs to see these tokens */
  env: { SOFTHSM2_CONF: string };
  /** a 0600 file holding TOKEN_PIN */
  pinFile: string;
  /** KEY_STORE=pkcs11 settings for a token, as the server's environment */
  serverEnv(tokenLabel: string, keyLabel?: string): Record<string, string>;
  settings(tokenLabel: string, keyLabel?: string): Pkcs11Settings;
  remove(): void;
}

/** Makes the tokens (user PIN TOKEN_PIN) and points this process at them. */
export function softHsm(tokenLabels: string[]): SoftHsm {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-softhsm-'));
  fs.mkdirSync(path.join(dir, 'tokens'), { mode: 0o700 });
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(
    conf,
    `directories.tokendir = ${path.join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
  );
  for (const label of tokenLabels) {
    execFileSync(
      'softhsm2-util',
      ['--init-token', '--free', '--label', label, '--pin', TOKEN_PIN, '--so-pin', '8192-2468'],
      { env: { ...process.env, SOFTHSM2_CONF: conf }, stdio: 'ignore' },
    );
  }
  const pinFile = path.join(dir, 'pin');
  fs.writeFileSync(pinFile, `${TOKEN_PIN}\n`, { mode: 0o600 });
  process.env.SOFTHSM2_CONF = conf;
  return {
    dir,
    env: { SOFTHSM2_CONF: conf },
    pinFile,
    serverEnv: (tokenLabel, keyLabel = 'palisade-master') => ({
      KEY_STORE: 'pkcs11',
      PKCS11_MODULE: SOFTHSM_MODULE,
      PKCS11_TOKEN_LABEL: tokenLabel,
      PKCS11_PIN_FILE: pinFile,
      PKCS11_KEY_LABEL: keyLabel,
    }),
    settings: (tokenLabel, keyLabel = 'palisade-master') => ({
      kind: 'pkcs11',
      module: SOFTHSM_MODULE,
      tokenLabel,
      pinFile,
      keyLabel,
    }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
