// Data keys are wrapped by a master key behind this interface: a file/env master key here, a key
// inside an HSM in ./pkcs11/wrapper.ts. keyId names the wrapping key, so rows record
// which master key wraps them and a rotation can resume where it stopped.
import { createHash } from 'node:crypto';
import { deriveKey } from '../keys.ts';
import { CiphertextInvalid, open, seal } from './envelope.ts';

export interface KeyWrapper {
  /** stable, non-secret name of the wrapping key (a fingerprint). */
  readonly keyId: string;
  wrap(dataKey: Uint8Array, context: string): Uint8Array;
  /** throws CiphertextInvalid when the wrapped key was not made by this wrapper or was altered. */
  unwrap(wrapped: Uint8Array, context: string): Uint8Array;
}

/** Wraps with AES-256-GCM under a key derived from the master key (never the master key itself). */
export function masterKeyWrapper(masterKey: Uint8Array): KeyWrapper {
  if (masterKey.length !== 32) throw new CiphertextInvalid('bad_key');
  const kek = deriveKey(masterKey, 'data-key-wrap');
  const keyId = `mk_${createHash('sha256').update(kek).digest('hex').slice(0, 16)}`;
  return {
    keyId,
    wrap: (dataKey, context) => seal(kek, dataKey, `wrap:${context}`),
    unwrap: (wrapped, context) => new Uint8Array(open(kek, wrapped, `wrap:${context}`)),
  };
}
