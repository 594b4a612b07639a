// One sign-in's secrets between the redirect to the IdP and its return: state, nonce and the PKCE
// verifier, kept in an encrypted, httpOnly cookie bound to this browser (SameSite=Lax, so the
// IdP's top-level redirect back carries it) and to the callback's path, for ten minutes.
import { EncryptJWT, jwtDecrypt } from 'jose';
import type { Infra } from '../../infra.ts';
import { deriveKey } from '../../keys.ts';

export const FLOW_COOKIE = 'palisade_sso';
export const FLOW_TTL_SECONDS = 600;

export interface SsoFlow {
  state: string;
  nonce: string;
  verifier: string;
  /** where the browser goes after signing in: a path on this appliance */
  returnTo: string;
}

const keyOf = (deps: Pick<Infra, 'secrets'>) => deriveKey(deps.secrets.masterKey, 'sso-flow');

export async function sealFlow(deps: Pick<Infra, 'secrets' | 'now'>, flow: SsoFlow): Promise<string> {
  const now = Math.floor(deps.now().getTime() / 1000);
  return new EncryptJWT({ ...flow })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(now)
    .setExpirationTime(now + FLOW_TTL_SECONDS)
    .encrypt(keyOf(deps));
}

/** The flow a cookie holds, or null when it is missing, altered or expired. */
export async function openFlow(
  deps: Pick<Infra, 'secrets' | 'now'>,
  cookie: string | undefined,
): Promise<SsoFlow | null> {
  if (!cookie) return null;
  try {
    const { payload } = await jwtDecrypt(cookie, keyOf(deps), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      currentDate: deps.now(),
      requiredClaims: ['exp'],
    });
    const { state, nonce, verifier, returnTo } = payload;
    if ([state, nonce, verifier, returnTo].every((v) => typeof v === 'string'))
      return { state, nonce, verifier, returnTo } as SsoFlow;
  } catch {
    // altered, expired or from another key: no flow
  }
  return null;
}

/** A path on this appliance (not `//host`, not a URL), else the console. */
export const safeReturnTo = (value: unknown): string =>
  typeof value === 'string' && /^\/(?![/\\])[\x21-\x7e]{0,500}$/.test(value) ? value : '/console/';
