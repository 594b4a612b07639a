// One logged-in session on a PKCS#11 token (an HSM partition, or SoftHSM2 in tests). pkcs11js calls
// are synchronous, so one session serves the whole process: no two operations ever interleave on
// it. A session the device dropped (HSM restart, failover) is opened and logged in again once.
import type { PKCS11, Template } from 'pkcs11js';
import { p11 } from './lib.ts';

export interface TokenSettings {
  /** path of the vendor's PKCS#11 library (.so) */
  module: string;
  tokenLabel: string;
  pin: string;
}

export interface Token {
  readonly label: string;
  /** counts logins: object handles found before a re-login may no longer be valid */
  readonly epoch: number;
  /** runs fn on the logged-in session; reopens it once when the device lost it */
  use<T>(fn: (p: PKCS11, session: Buffer) => T): T;
  /** token objects whose attributes match `template` */
  find(template: Template): Buffer[];
  close(): void;
}

/** Why the token cannot be used, in words for the operator (the PIN itself is never in them). */
export class TokenUnavailable extends Error {
  override readonly name = 'TokenUnavailable';
}

// Cryptoki is initialised once per library per process; tokens share it.
const modules = new Map<string, PKCS11>();

function moduleOf(file: string): PKCS11 {
  let p = modules.get(file);
  if (p) return p;
  const { PKCS11: Library } = p11();
  p = new Library();
  try {
    p.load(file);
  } catch (err) {
    throw new TokenUnavailable(`cannot load the PKCS#11 library ${file}: ${(err as Error).message}`);
  }
  try {
    p.C_Initialize();
  } catch (err) {
    if (codeOf(err) !== p11().CKR_CRYPTOKI_ALREADY_INITIALIZED)
      throw new TokenUnavailable(`${file}: C_Initialize failed: ${(err as Error).message}`);
  }
  modules.set(file, p);
  return p;
}

export const codeOf = (err: unknown): number | undefined => (err instanceof p11().Pkcs11Error ? err.code : undefined);

/** Results that mean the session is gone, not that the operation was refused. */
const lost = (code: number) => {
  const l = p11();
  return [
    l.CKR_SESSION_HANDLE_INVALID,
    l.CKR_SESSION_CLOSED,
    l.CKR_USER_NOT_LOGGED_IN,
    l.CKR_DEVICE_REMOVED,
    l.CKR_TOKEN_NOT_PRESENT,
  ].includes(code);
};

function slotOf(p: PKCS11, label: string): Buffer {
  const labels: string[] = [];
  for (const slot of p.C_GetSlotList(true)) {
    const found = p.C_GetTokenInfo(slot).label.trim();
    if (found === label) return slot;
    if (found) labels.push(found);
  }
  throw new TokenUnavailable(
    `no token labelled "${label}" (tokens present: ${
      labels.length
        ? labels
            .sort()
            .map((l) => `"${l}"`)
            .join(', ')
        : 'none'
    })`,
  );
}

function login(p: PKCS11, settings: TokenSettings): Buffer {
  const session = p.C_OpenSession(slotOf(p, settings.tokenLabel), p11().CKF_SERIAL_SESSION | p11().CKF_RW_SESSION);
  try {
    p.C_Login(session, p11().CKU_USER, settings.pin);
  } catch (err) {
    const code = codeOf(err);
    if (code === p11().CKR_USER_ALREADY_LOGGED_IN) return session; // the login is per application, not per session
    p.C_CloseSession(session);
    if (code === p11().CKR_PIN_INCORRECT)
      throw new TokenUnavailable(`token "${settings.tokenLabel}" refused the PIN (wrong PIN)`);
    if (code === p11().CKR_PIN_LOCKED)
      throw new TokenUnavailable(
        `token "${settings.tokenLabel}": the user PIN is locked; the token's security officer must unlock it`,
      );
    throw new TokenUnavailable(`token "${settings.tokenLabel}": login failed: ${(err as Error).message}`);
  }
  return session;
}

export function openToken(settings: TokenSettings): Token {
  const p = moduleOf(settings.module);
  let session: Buffer | undefined = login(p, settings);
  let epoch = 0;
  const relogin = () => {
    epoch += 1;
    return (session = login(p, settings));
  };
  const use = <T>(fn: (p: PKCS11, session: Buffer) => T): T => {
    const current = session ?? relogin();
    try {
      return fn(p, current);
    } catch (err) {
      const code = codeOf(err);
      if (code === undefined || !lost(code)) throw err;
      return fn(p, relogin());
    }
  };
  return {
    label: settings.tokenLabel,
    get epoch() {
      return epoch;
    },
    use,
    find: (template) =>
      use((p, s) => {
        p.C_FindObjectsInit(s, template);
        try {
          return p.C_FindObjects(s, 16);
        } finally {
          p.C_FindObjectsFinal(s);
        }
      }),
    close() {
      if (!session) return;
      try {
        p.C_CloseSession(session);
      } catch {
        // already gone with the device
      }
      session = undefined;
    },
  };
}
