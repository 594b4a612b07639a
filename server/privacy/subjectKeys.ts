// Per-subject data keys (and the appliance's own system keys), stored only wrapped. A subject's
// data key has two layers: sealed under the subject's secret from the key store (outside the
// database), then wrapped by the master key. Destroying the secret is crypto-shredding: every
// envelope under that key, in the database or in any backup of it, becomes unreadable for good.
import { AppError } from '../errors.ts';
import type { PrivacyCtx } from './context.ts';
import { CiphertextInvalid, DATA_KEY_BYTES, newDataKey, open, seal } from './envelope.ts';
import type { KeyWrapper } from './keyWrapper.ts';
import { ciphertextInvalid, keyUnavailable, subjectErased, subjectKeyDestroyed } from './errors.ts';
import { wrappedKeyStore } from './store/keys.ts';

const subjectContext = (subjectId: string) => `subject:${subjectId}`;
const systemContext = (purpose: string) => `system:${purpose}`;
const storeContext = (subjectId: string) => `keystore:${subjectId}`;

function unwrapOrThrow(
  wrapper: KeyWrapper,
  row: { wrapped: Buffer; masterKeyId: string },
  context: string,
): Uint8Array {
  if (row.masterKeyId !== wrapper.keyId) throw keyUnavailable();
  return openOrThrow(() => wrapper.unwrap(row.wrapped, context));
}

type KeyCtx = Pick<PrivacyCtx, 'tx' | 'wrapper' | 'keyStore'>;

function openOrThrow(fn: () => Uint8Array): Uint8Array {
  try {
    return fn();
  } catch (err) {
    if (err instanceof CiphertextInvalid) throw ciphertextInvalid();
    throw err;
  }
}

export async function createSubjectKey(ctx: KeyCtx & Pick<PrivacyCtx, 'now'>, subjectId: string): Promise<Uint8Array> {
  const key = newDataKey();
  // The secret is written before the row: a rolled-back transaction leaves an unused file, never a row without its secret.
  const inner = seal(await ctx.keyStore.create(subjectId), key, storeContext(subjectId));
  await wrappedKeyStore.insertSubjectKey(ctx.tx, {
    subjectId,
    wrapped: Buffer.from(ctx.wrapper.wrap(inner, subjectContext(subjectId))),
    masterKeyId: ctx.wrapper.keyId,
    now: ctx.now,
  });
  return key;
}

/**
 * The subject's data key: 410 subject_erased once its row is gone, 410 subject_key_destroyed when
 * the row survives (a restored backup) but the key store no longer holds the subject's secret.
 */
export async function subjectKey(ctx: KeyCtx, subjectId: string): Promise<Uint8Array> {
  return openSubjectKey(ctx, subjectId, await wrappedKeyStore.subjectKey(ctx.tx, subjectId));
}

/** The data key from its subject_keys row, read by the caller (in a statement of its own making). */
export async function openSubjectKey(
  ctx: Pick<KeyCtx, 'wrapper' | 'keyStore'>,
  subjectId: string,
  row: { wrapped: Buffer; masterKeyId: string } | undefined | null,
): Promise<Uint8Array> {
  if (!row?.wrapped) throw subjectErased();
  const inner = unwrapOrThrow(ctx.wrapper, row, subjectContext(subjectId));
  // Keys made before the key store existed are the bare 32 bytes; sealed ones are a longer envelope.
  if (inner.length === DATA_KEY_BYTES) return inner;
  const secret = await ctx.keyStore.read(subjectId);
  if (!secret) throw subjectKeyDestroyed();
  return openOrThrow(() => new Uint8Array(open(secret, inner, storeContext(subjectId))));
}

/** A key of the appliance itself, created on first use (two nodes racing agree on one). */
export async function systemKey(ctx: Pick<PrivacyCtx, 'tx' | 'wrapper' | 'now'>, purpose: string): Promise<Uint8Array> {
  const select = () => wrappedKeyStore.systemKey(ctx.tx, purpose);
  let row = await select();
  if (!row) {
    const key = newDataKey();
    await wrappedKeyStore.insertSystemKey(ctx.tx, {
      purpose,
      wrapped: Buffer.from(ctx.wrapper.wrap(key, systemContext(purpose))),
      masterKeyId: ctx.wrapper.keyId,
      now: ctx.now,
    });
    row = await select();
    if (!row) throw new AppError(500, 'internal_error', 'Internal error.');
  }
  return unwrapOrThrow(ctx.wrapper, row, systemContext(purpose));
}

export const keyContexts = { subject: subjectContext, system: systemContext, keyStore: storeContext };
