// The appliance with KEY_STORE=pkcs11 as an operator runs it: the master key made in the token by
// the CLI, a start that checks the token, and a refusal to start (exit 2, the setting named, the PIN
// never shown) for a wrong PIN, a missing token, a PIN file others can read or a missing key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { api } from '../support/server.ts';
import { softHsm, softHsmAvailable, type SoftHsm, TOKEN_PIN } from '../support/softhsm.ts';
import { freePort, runCli, startProcess } from '../support/spawn.ts';

let db: TestDatabase;
let hsm: SoftHsm;
let dataDir: string;
beforeAll(async () => {
  if (!softHsmAvailable) return;
  hsm = softHsm(['bank-hsm']);
  db = await createTestDatabase();
  if (db.pglite) await db.pglite.close();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-hsm-'));
});
afterAll(async () => {
  if (db?.kind === 'postgres') await db.drop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  hsm?.remove();
});

const env = (extra: Record<string, string> = {}) => ({
  PALISADE_DATA_DIR: dataDir,
  LOG_LEVEL: 'info',
  ...db.env,
  ...hsm.env,
  ...hsm.serverEnv('bank-hsm'),
  ...extra,
});

/** Starts the appliance and expects it to refuse: exit 2 and this problem on stderr. */
async function refusal(extra: Record<string, string>): Promise<string> {
  const p = startProcess(['server/main.ts'], env({ PORT: String(await freePort()), ...extra }));
  expect(await p.exited).toBe(2);
  expect(p.stderr()).not.toContain(TOKEN_PIN);
  return p.stderr();
}

describe.skipIf(!softHsmAvailable)('the appliance on an HSM', () => {
  it('refuses to start before the master key exists, then starts once the CLI made it', async () => {
    expect(await refusal({})).toContain(
      'PKCS11_KEY_LABEL: token "bank-hsm" holds no AES key labelled "palisade-master" (create it: npx palisade keys create-hsm-key)',
    );

    const made = await runCli(['keys', 'create-hsm-key'], env());
    expect(made.code, made.stderr).toBe(0);
    const { keyId } = JSON.parse(made.stdout) as { keyId: string };
    expect(keyId).toMatch(/^hsm_[0-9a-f]{16}$/);
    expect((await runCli(['keys', 'create-hsm-key'], env())).stderr).toContain(
      'already holds a key labelled "palisade-master"',
    );

    const port = await freePort();
    const p = startProcess(['server/main.ts'], env({ PORT: String(port) }));
    const [line] = await p.waitFor(/\{[^\n]*"keys\.pkcs11_ready"[^\n]*\}/, 180_000);
    expect(JSON.parse(line)).toMatchObject({ tokenLabel: 'bank-hsm', keyLabel: 'palisade-master' });
    await p.waitFor(/"server\.ready"/, 180_000);
    expect((await api({ url: `http://127.0.0.1:${port}` }, 'GET', '/readyz')).status).toBe(200);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stdout() + p.stderr()).not.toContain(TOKEN_PIN);
    expect(fs.existsSync(path.join(dataDir, 'keystore'))).toBe(false);
  }, 300_000);

  it('refuses a wrong PIN, a missing token and a PIN file others can read', async () => {
    const wrongPin = path.join(hsm.dir, 'wrong-pin');
    fs.writeFileSync(wrongPin, 'not-the-pin\n', { mode: 0o600 });
    const openPin = path.join(hsm.dir, 'open-pin');
    fs.writeFileSync(openPin, `${TOKEN_PIN}\n`, { mode: 0o644 });
    fs.chmodSync(openPin, 0o644);
    const [wrong, missing, readable, unset] = await Promise.all([
      refusal({ PKCS11_PIN_FILE: wrongPin }),
      refusal({ PKCS11_TOKEN_LABEL: 'other-hsm' }),
      refusal({ PKCS11_PIN_FILE: openPin }),
      refusal({ PKCS11_PIN_FILE: '' }),
    ]);
    expect(wrong).toContain('KEY_STORE: pkcs11: token "bank-hsm" refused the PIN (wrong PIN)');
    expect(missing).toContain('KEY_STORE: pkcs11: no token labelled "other-hsm" (tokens present: "bank-hsm")');
    expect(readable).toMatch(/PKCS11_PIN_FILE: .*open-pin is readable by group\/others \(mode 644\); chmod 600 it/);
    expect(unset).toContain(
      'PKCS11_PIN_FILE: KEY_STORE=pkcs11 needs PKCS11_MODULE, PKCS11_TOKEN_LABEL and PKCS11_PIN_FILE',
    );
  }, 300_000);
});
