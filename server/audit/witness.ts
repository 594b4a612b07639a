// A witness of the audit chain kept outside the database. The hash chain shows that no sealed event
// was changed, but someone with the database's superuser can cut the newest events off and move
// audit_chain_head back: the shorter chain still links up. So the sealer signs, now and then, the
// head it reached (position, hash, time, node) with an Ed25519 key from the data directory's
// secrets and appends the line to `audit-checkpoints.jsonl` (mode 0600) in the data directory,
// optionally to a mirror file (an append-only or WORM mount) and to syslog over UDP. `audit verify`
// holds the chain to the newest checkpoint it can read: a chain shorter than a signed checkpoint, or
// another event at its position, fails.
//
// Ed25519 rather than HMAC: checking a signature takes only the public key, which the evidence
// bundle carries, so an auditor (or whoever keeps the mirror) can check the checkpoints without
// holding anything that could sign new ones.
//
// Several nodes on one database: each signs what it saw of the one shared chain, so checkpoints
// never contradict each other; each line names its node and key, each node writes the file in its
// own data directory, and nodes sharing a data directory append whole lines (O_APPEND, one write
// each) to one file under one key.
import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const CHECKPOINT_FILE = 'audit-checkpoints.jsonl';
/** How much of the file's end is read for its newest checkpoint (lines are ~300 bytes). */
const TAIL_BYTES = 64 * 1024;
// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export const WitnessCheckpoint = z.strictObject({
  v: z.literal(1),
  node: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
  chainSeq: z.string().regex(/^[0-9]{1,19}$/),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  at: z.iso.datetime(),
  keyId: z.string().regex(/^[0-9a-f]{16}$/),
  sig: z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/),
});
export type WitnessCheckpoint = z.infer<typeof WitnessCheckpoint>;

export interface WitnessKey {
  keyId: string;
  /** raw 32-byte public key, base64 (what the evidence bundle gives auditors) */
  publicKey: string;
  privateKey?: KeyObject;
  verifyKey: KeyObject;
}

export function witnessKey(seed: Uint8Array): WitnessKey {
  const privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_ED25519, seed]), format: 'der', type: 'pkcs8' });
  const verifyKey = createPublicKey(privateKey);
  const raw = verifyKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  return {
    keyId: createHash('sha256').update(raw).digest('hex').slice(0, 16),
    publicKey: raw.toString('base64'),
    privateKey,
    verifyKey,
  };
}

const signedBytes = (c: Omit<WitnessCheckpoint, 'sig'>) =>
  Buffer.from(JSON.stringify(['palisade-audit-checkpoint', c.v, c.node, c.chainSeq, c.hash, c.at, c.keyId]));

export function signCheckpoint(
  key: WitnessKey,
  head: { seq: string; hash: string },
  node: string,
  at: Date,
): WitnessCheckpoint {
  if (!key.privateKey) throw new Error('this witness key cannot sign');
  const body = { v: 1 as const, node, chainSeq: head.seq, hash: head.hash, at: at.toISOString(), keyId: key.keyId };
  return { ...body, sig: sign(null, signedBytes(body), key.privateKey).toString('base64') };
}

export function checkpointSignatureValid(key: WitnessKey, c: WitnessCheckpoint): boolean {
  return c.keyId === key.keyId && verify(null, signedBytes(c), key.verifyKey, Buffer.from(c.sig, 'base64'));
}

export const checkpointFile = (dataDir: string) => path.join(dataDir, CHECKPOINT_FILE);

/** This node's checkpoint file and key: what `audit verify` holds the chain to. */
export const localWitness = (dataDir: string, seed: Uint8Array) => ({
  file: checkpointFile(dataDir),
  key: witnessKey(seed),
});

/** How an auditor checks a line with the public key alone (written into the evidence bundle). */
export const SIGNATURE_RECIPE =
  'Ed25519 over the UTF-8 bytes of JSON.stringify(["palisade-audit-checkpoint", v, node, chainSeq, hash, at, keyId]); sig is base64';

/**
 * The newest checkpoint (highest chain position) among the file's last lines that parse. A line
 * cut short by a crash, or written under another key (a node with its own), is passed over; a
 * line under this key whose signature does not hold is returned with `valid: false`.
 */
export function newestCheckpoint(
  file: string,
  key: WitnessKey,
): { checkpoint: WitnessCheckpoint; valid: boolean } | null {
  let text: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const size = fs.fstatSync(fd).size;
      const length = Math.min(size, TAIL_BYTES);
      const buf = Buffer.alloc(length);
      fs.readSync(fd, buf, 0, length, size - length);
      text = buf.toString('utf8');
      if (length < size) text = text.slice(text.indexOf('\n') + 1); // the first line may be cut
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let newest: WitnessCheckpoint | null = null;
  for (const line of text.split('\n')) {
    let parsed;
    try {
      parsed = WitnessCheckpoint.safeParse(JSON.parse(line));
    } catch {
      continue;
    }
    if (!parsed.success || parsed.data.keyId !== key.keyId) continue;
    if (!newest || BigInt(parsed.data.chainSeq) > BigInt(newest.chainSeq)) newest = parsed.data;
  }
  return newest ? { checkpoint: newest, valid: checkpointSignatureValid(key, newest) } : null;
}

/** Appends one line with one write (O_APPEND: lines of several writers never interleave) and flushes it to disk. */
async function appendLine(file: string, line: string): Promise<void> {
  const handle = await fs.promises.open(file, 'a', 0o600);
  try {
    await handle.write(line);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/** RFC 5424 over UDP: facility auth (4), severity notice (5); the message is the checkpoint's JSON. */
function sendSyslog(target: { host: string; port: number }, line: string): Promise<void> {
  const message = Buffer.from(
    `<37>1 ${new Date().toISOString()} ${os.hostname() || '-'} palisade ${process.pid} audit.checkpoint - ${line}`,
  );
  const socket = dgram.createSocket(target.host.includes(':') ? 'udp6' : 'udp4');
  return new Promise<void>((resolve, reject) => {
    socket.send(message, target.port, target.host, (err) => {
      socket.close();
      if (err) reject(err);
      else resolve();
    });
  });
}

export interface WitnessTargets {
  file: string;
  mirrorFile?: string;
  syslog?: { host: string; port: number };
}

/** Writes the checkpoint to the file, then to the mirrors; returns the names of the targets that failed. */
export async function writeCheckpoint(targets: WitnessTargets, checkpoint: WitnessCheckpoint): Promise<string[]> {
  const line = `${JSON.stringify(checkpoint)}\n`;
  const failed: string[] = [];
  const attempt = async (name: string, write: () => Promise<void>) => {
    try {
      await write();
    } catch {
      failed.push(name);
    }
  };
  await attempt('file', () => appendLine(targets.file, line));
  if (targets.mirrorFile) await attempt('mirror_file', () => appendLine(targets.mirrorFile!, line));
  if (targets.syslog) await attempt('syslog', () => sendSyslog(targets.syslog!, line.trimEnd()));
  return failed;
}
