// pkcs11js (a native addon) is loaded on first use: an appliance on the file key store never
// loads it, so a platform without its build still starts.
import { createRequire } from 'node:module';
import type * as Pkcs11 from 'pkcs11js';
import type { Template } from 'pkcs11js';

let loaded: typeof Pkcs11 | undefined;

export function p11(): typeof Pkcs11 {
  loaded ??= createRequire(import.meta.url)('pkcs11js') as typeof Pkcs11;
  return loaded;
}

/** A key that lives on the token, opens only after login, and whose value never leaves it. */
export const keptInside = (): Template => [
  { type: p11().CKA_TOKEN, value: true },
  { type: p11().CKA_PRIVATE, value: true },
  { type: p11().CKA_SENSITIVE, value: true },
  { type: p11().CKA_EXTRACTABLE, value: false },
];
