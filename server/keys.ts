// Purpose-bound keys derived from the master key (HKDF-SHA256), so one secret on disk serves
// several uses without any two uses sharing a key.
import { hkdfSync } from 'node:crypto';

export type KeyPurpose =
  | 'redaction-hmac'
  | 'data-key-wrap'
  | 'subject-identifier-hmac'
  | 'visitor-token'
  | 'rate-limit-key'
  | 'sso-flow'
  | 'backup-manifest';

export function deriveKey(masterKey: Uint8Array, purpose: KeyPurpose, bytes = 32): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', masterKey, new Uint8Array(0), `palisade/${purpose}/v1`, bytes));
}
