// Secrets never have defaults: each comes from env, from a file named in env, or is generated once
// into the data directory (mode 0600) and reused on every later start.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { ConfigError } from './config.ts';

export interface Secrets {
  jwtKey: Uint8Array;
  masterKey: Uint8Array;
  /** the 32-byte Ed25519 seed that signs audit checkpoints (server/audit/witness.ts) */
  auditCheckpointKey: Uint8Array;
}

const MIN_JWT_BYTES = 32;
const MASTER_KEY_BYTES = 32;

function decode(variable: string, text: string, exactBytes?: number): Uint8Array {
  const trimmed = text.trim();
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed) ? Buffer.from(trimmed, 'base64') : Buffer.alloc(0);
  if (exactBytes !== undefined && bytes.length !== exactBytes) {
    throw new ConfigError([
      { variable, problem: `must be ${exactBytes} bytes, base64-encoded (e.g. openssl rand -base64 ${exactBytes})` },
    ]);
  }
  if (bytes.length < MIN_JWT_BYTES) {
    throw new ConfigError([
      {
        variable,
        problem: `must be at least ${MIN_JWT_BYTES} random bytes, base64-encoded (e.g. openssl rand -base64 48)`,
      },
    ]);
  }
  return new Uint8Array(bytes);
}

/** A secret file's text, trimmed; refused when missing, empty, or open to group/others. */
export function readPrivateFile(variable: string, file: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new ConfigError([{ variable, problem: `cannot read ${file}` }]);
  }
  // Like ssh with its keys: a secret others can read is not a secret; refuse rather than warn.
  if ((stat.mode & 0o077) !== 0) {
    throw new ConfigError([
      {
        variable,
        problem: `${file} is readable by group/others (mode ${(stat.mode & 0o777).toString(8)}); chmod 600 it`,
      },
    ]);
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!text) throw new ConfigError([{ variable, problem: `${file} is empty` }]);
  return text;
}

function readSecretFile(variable: string, file: string, exactBytes?: number): Uint8Array {
  return decode(variable, readPrivateFile(variable, file), exactBytes);
}

function resolveSecret(
  variable: string,
  source: { value?: string; file?: string },
  generatedPath: string,
  bytes: number,
  exactBytes?: number,
): { key: Uint8Array; generated: boolean } {
  if (source.value) return { key: decode(variable, source.value, exactBytes), generated: false };
  if (source.file) return { key: readSecretFile(`${variable}_FILE`, source.file, exactBytes), generated: false };
  fs.mkdirSync(path.dirname(generatedPath), { recursive: true, mode: 0o700 });
  try {
    // 'wx' makes two processes starting at once agree on one key: the loser reads the winner's.
    fs.writeFileSync(generatedPath, randomBytes(bytes).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return { key: readSecretFile(variable, generatedPath, exactBytes), generated: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { key: readSecretFile(variable, generatedPath, exactBytes), generated: false };
  }
}

export function loadSecrets(config: Config): { secrets: Secrets; generated: string[] } {
  const dir = path.join(config.dataDir, 'secrets');
  const jwt = resolveSecret('JWT_SECRET', config.secrets.jwt, path.join(dir, 'jwt.key'), 48);
  const master = resolveSecret(
    'MASTER_KEY',
    config.secrets.master,
    path.join(dir, 'master.key'),
    MASTER_KEY_BYTES,
    MASTER_KEY_BYTES,
  );
  // A key of its own, not derived from MASTER_KEY: it can be kept (and rotated) apart from the data keys.
  const checkpoint = resolveSecret(
    'AUDIT_CHECKPOINT_KEY',
    config.secrets.auditCheckpoint,
    path.join(dir, 'audit-checkpoint.key'),
    32,
    32,
  );
  const generated = [
    jwt.generated ? 'JWT_SECRET' : '',
    master.generated ? 'MASTER_KEY' : '',
    checkpoint.generated ? 'AUDIT_CHECKPOINT_KEY' : '',
  ].filter(Boolean);
  return { secrets: { jwtKey: jwt.key, masterKey: master.key, auditCheckpointKey: checkpoint.key }, generated };
}

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * This node's name: PALISADE_NODE_ID, or one generated once into the data directory (node-id) and
 * kept across restarts. Nodes that share one database each need their own (nodes that share one
 * data directory too must set PALISADE_NODE_ID).
 */
export function loadNodeId(config: Config): string {
  if (config.nodeId) return config.nodeId;
  const file = path.join(config.dataDir, 'node-id');
  fs.mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, `node-${randomBytes(6).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const id = fs.readFileSync(file, 'utf8').trim();
  if (!NODE_ID.test(id))
    throw new ConfigError([
      {
        variable: 'PALISADE_NODE_ID',
        problem: `${file} does not hold a node id (1-64 letters, digits, _ . and -); set PALISADE_NODE_ID or remove the file`,
      },
    ]);
  return id;
}
