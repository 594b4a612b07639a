// A backup's manifest: every file with its size and SHA-256, signed with an HMAC under a key derived
// from the master key. The master key is never in a backup (it is kept apart, as the key store is),
// so whoever alters a backup cannot sign the altered manifest, and restore refuses it before it
// touches anything.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { deriveKey } from '../keys.ts';

export const MANIFEST = 'manifest.json';
const FORMAT = 'palisade-backup/1';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  format: typeof FORMAT;
  createdAt: string;
  version: string;
  database: { kind: 'pglite' | 'postgres'; file: string };
  files: ManifestFile[];
  /** kept apart from every backup, on purpose */
  excluded: string[];
  hmac: string;
}

export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefused';
  }
}

const sha256File = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

const mac = (masterKey: Uint8Array, body: Omit<Manifest, 'hmac'>) =>
  createHmac('sha256', deriveKey(masterKey, 'backup-manifest')).update(JSON.stringify(body)).digest('hex');

/** Hashes each file (paths relative to dir) and writes the signed manifest. */
export function writeManifest(
  dir: string,
  masterKey: Uint8Array,
  body: Omit<Manifest, 'hmac' | 'files' | 'format'>,
  files: string[],
): Manifest {
  const unsigned: Omit<Manifest, 'hmac'> = {
    format: FORMAT,
    ...body,
    files: files.map((rel) => ({
      path: rel,
      bytes: fs.statSync(path.join(dir, rel)).size,
      sha256: sha256File(path.join(dir, rel)),
    })),
  };
  const manifest: Manifest = { ...unsigned, hmac: mac(masterKey, unsigned) };
  fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

/** The manifest, once its signature and every file's size and hash check out; BackupRefused otherwise. */
export function verifyManifest(dir: string, masterKey: Uint8Array): Manifest {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch {
    throw new BackupRefused(`${path.join(dir, MANIFEST)} is missing or not JSON: not a Palisade backup`);
  }
  if (manifest.format !== FORMAT) throw new BackupRefused(`unknown backup format ${String(manifest.format)}`);
  const { hmac, ...unsigned } = manifest;
  const expected = Buffer.from(mac(masterKey, unsigned), 'hex');
  const given = Buffer.from(typeof hmac === 'string' ? hmac : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new BackupRefused(
      "the manifest's signature does not verify: the backup was altered, or it was made under another master key",
    );
  }
  for (const f of manifest.files) {
    const file = path.resolve(dir, f.path);
    if (!file.startsWith(path.resolve(dir) + path.sep)) throw new BackupRefused(`${f.path}: outside the backup`);
    if (!fs.existsSync(file)) throw new BackupRefused(`${f.path}: missing`);
    if (fs.statSync(file).size !== f.bytes || sha256File(file) !== f.sha256)
      throw new BackupRefused(`${f.path}: its SHA-256 does not match the manifest (altered or damaged)`);
  }
  if (!manifest.files.some((f) => f.path === manifest.database.file))
    throw new BackupRefused('the database file is not in the manifest');
  return manifest;
}
