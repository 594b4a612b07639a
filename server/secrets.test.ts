import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';
import { loadSecrets } from './secrets.ts';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'palisade-secrets-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('loadSecrets', () => {
  it('generates 0600 secrets on first start and reuses them afterwards', () => {
    const dir = tmp();
    const first = loadSecrets(loadConfig({ PALISADE_DATA_DIR: dir }));
    expect(first.generated.sort()).toEqual(['AUDIT_CHECKPOINT_KEY', 'JWT_SECRET', 'MASTER_KEY']);
    expect(first.secrets.masterKey).toHaveLength(32);
    expect(first.secrets.jwtKey.length).toBeGreaterThanOrEqual(32);
    for (const f of ['jwt.key', 'master.key', 'audit-checkpoint.key'])
      expect(fs.statSync(path.join(dir, 'secrets', f)).mode & 0o777).toBe(0o600);
    const second = loadSecrets(loadConfig({ PALISADE_DATA_DIR: dir }));
    expect(second.generated).toEqual([]);
    expect(Buffer.from(second.secrets.jwtKey).equals(Buffer.from(first.secrets.jwtKey))).toBe(true);
  });

  it('takes secrets from env and from files, writing nothing', () => {
    const dir = tmp();
    const keyFile = path.join(dir, 'master.b64');
    fs.writeFileSync(keyFile, Buffer.alloc(32, 7).toString('base64'), { mode: 0o600 });
    const signingFile = path.join(dir, 'checkpoint.b64');
    fs.writeFileSync(signingFile, Buffer.alloc(32, 9).toString('base64'), { mode: 0o600 });
    const { secrets, generated } = loadSecrets(
      loadConfig({
        PALISADE_DATA_DIR: dir,
        JWT_SECRET: Buffer.alloc(48, 1).toString('base64'),
        MASTER_KEY_FILE: keyFile,
        AUDIT_CHECKPOINT_KEY_FILE: signingFile,
      }),
    );
    expect(generated).toEqual([]);
    expect(secrets.masterKey[0]).toBe(7);
    expect(secrets.auditCheckpointKey[0]).toBe(9);
    expect(fs.existsSync(path.join(dir, 'secrets'))).toBe(false);
  });

  it.each([
    [{ JWT_SECRET: 'c2hvcnQ=' }, /JWT_SECRET: must be at least 32/],
    [{ MASTER_KEY: Buffer.alloc(16).toString('base64') }, /MASTER_KEY: must be 32 bytes/],
    [{ MASTER_KEY: 'not base64 at all!' }, /MASTER_KEY: must be 32 bytes/],
    [{ MASTER_KEY_FILE: '/nonexistent/key' }, /MASTER_KEY_FILE: cannot read/],
  ])('refuses %o', (env, message) => {
    expect(() => loadSecrets(loadConfig({ PALISADE_DATA_DIR: tmp(), ...env }))).toThrow(message);
  });

  it('refuses a secret file that group or others can read', () => {
    const dir = tmp();
    const f = path.join(dir, 'jwt.key');
    fs.writeFileSync(f, Buffer.alloc(48, 3).toString('base64'), { mode: 0o644 });
    fs.chmodSync(f, 0o644);
    expect(() => loadSecrets(loadConfig({ PALISADE_DATA_DIR: dir, JWT_SECRET_FILE: f }))).toThrow(ConfigError);
    expect(() => loadSecrets(loadConfig({ PALISADE_DATA_DIR: dir, JWT_SECRET_FILE: f }))).toThrow(/chmod 600/);
  });
});
