// AES-256-GCM envelopes: the one format for everything Palisade stores encrypted (message text,
// attachments, vaults, wrapped data keys). No database, no HTTP: a KMS wrapper can reuse it.
//
// Format v1: [0x01 version][12-byte IV][16-byte GCM tag][ciphertext]. The additional data binds a
// ciphertext to its place (`message:<id>`), so a row's ciphertext copied into another row fails.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const ENVELOPE_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
export const DATA_KEY_BYTES = 32;

export type CiphertextProblem = 'too_short' | 'unknown_version' | 'authentication_failed' | 'bad_key';

/** A ciphertext that does not open: tampered, truncated, of an unknown version, or under another key. */
export class CiphertextInvalid extends Error {
  override readonly name = 'CiphertextInvalid';
  constructor(readonly problem: CiphertextProblem) {
    super(`ciphertext cannot be opened: ${problem}`);
  }
}

function checkKey(key: Uint8Array): void {
  if (key.length !== DATA_KEY_BYTES) throw new CiphertextInvalid('bad_key');
}

export function seal(key: Uint8Array, plaintext: Uint8Array, aad: string): Buffer {
  checkKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.of(ENVELOPE_VERSION), iv, cipher.getAuthTag(), body]);
}

export function open(key: Uint8Array, envelope: Uint8Array, aad: string): Buffer {
  checkKey(key);
  if (envelope.length < HEADER_BYTES) throw new CiphertextInvalid('too_short');
  if (envelope[0] !== ENVELOPE_VERSION) throw new CiphertextInvalid('unknown_version');
  const iv = envelope.subarray(1, 1 + IV_BYTES);
  const tag = envelope.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(envelope.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    throw new CiphertextInvalid('authentication_failed');
  }
}

export const sealText = (key: Uint8Array, text: string, aad: string): Buffer =>
  seal(key, Buffer.from(text, 'utf8'), aad);
export const openText = (key: Uint8Array, envelope: Uint8Array, aad: string): string =>
  open(key, envelope, aad).toString('utf8');

export function newDataKey(): Uint8Array {
  return new Uint8Array(randomBytes(DATA_KEY_BYTES));
}
