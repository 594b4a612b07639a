// TOTP secrets are sealed (AES-256-GCM, the user's id bound in) under a system key of the appliance,
// which the master key wraps like every other data key: master-key rotation rewraps it, and an HSM
// key wrapper covers it too. Recovery codes are kept as HMACs under a second system key.
import { createHmac, randomBytes } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Infra } from '../../infra.ts';
import { keyWrapperOf } from '../../privacy/deps.ts';
import { open, seal } from '../../privacy/envelope.ts';
import { systemKey } from '../../privacy/subjectKeys.ts';
import { base32Encode } from './totp.ts';

export const SECRET_BYTES = 20;
export const RECOVERY_CODES = 10;

const keyOf = (deps: Pick<Infra, 'secrets' | 'config' | 'now'>, tx: EntityManager, purpose: string) =>
  systemKey({ tx, wrapper: keyWrapperOf(deps), now: deps.now() }, purpose);

export async function sealSecret(
  deps: Pick<Infra, 'secrets' | 'config' | 'now'>,
  tx: EntityManager,
  userId: string,
  secret: Uint8Array,
): Promise<string> {
  return seal(await keyOf(deps, tx, 'staff-mfa-secret'), secret, `staff-mfa:${userId}`).toString('base64');
}

export async function openSecret(
  deps: Pick<Infra, 'secrets' | 'config' | 'now'>,
  tx: EntityManager,
  userId: string,
  sealed: string,
): Promise<Uint8Array> {
  return new Uint8Array(
    open(await keyOf(deps, tx, 'staff-mfa-secret'), Buffer.from(sealed, 'base64'), `staff-mfa:${userId}`),
  );
}

/** Ten codes of 50 random bits each, written `xxxxx-xxxxx`. */
export const newRecoveryCodes = (): string[] =>
  Array.from({ length: RECOVERY_CODES }, () => {
    const text = base32Encode(randomBytes(7)).slice(0, 10).toLowerCase();
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });

export const recoveryKey = (deps: Pick<Infra, 'secrets' | 'config' | 'now'>, tx: EntityManager) =>
  keyOf(deps, tx, 'staff-mfa-recovery');

/** Case, spaces and dashes do not matter when a code is typed back. */
export function recoveryCodeHash(key: Uint8Array, userId: string, code: string): string {
  const normal = code.replace(/[\s-]/g, '').toLowerCase();
  return createHmac('sha256', key).update(`${userId}:${normal}`).digest('hex');
}
