// Per-subject data keys (and the appliance's own system keys), stored only wrapped. Deleting a
// subject's row is crypto-shredding: every envelope under that key becomes unreadable for good.
import { AppError } from '../http/errors.ts';
import type { PrivacyCtx } from './context.ts';
import { CiphertextInvalid, newDataKey } from './envelope.ts';
import type { KeyWrapper } from './keyWrapper.ts';
import { ciphertextInvalid, keyUnavailable, subjectErased } from './errors.ts';

const subjectContext = (subjectId: string) => `subject:${subjectId}`;
const systemContext = (purpose: string) => `system:${purpose}`;

function unwrapOrThrow(wrapper: KeyWrapper, row: { wrapped: Buffer; masterKeyId: string }, context: string): Uint8Array {
  if (row.masterKeyId !== wrapper.keyId) throw keyUnavailable();
  try {
    return wrapper.unwrap(row.wrapped, context);
  } catch (err) {
    if (err instanceof CiphertextInvalid) throw ciphertextInvalid();
    throw err;
  }
}

export async function createSubjectKey(ctx: Pick<PrivacyCtx, 'tx' | 'wrapper' | 'now'>, subjectId: string): Promise<Uint8Array> {
  const key = newDataKey();
  await ctx.tx.query(`INSERT INTO subject_keys (subject_id, wrapped_key, master_key_id, created_at) VALUES ($1, $2, $3, $4)`, [
    subjectId, Buffer.from(ctx.wrapper.wrap(key, subjectContext(subjectId))), ctx.wrapper.keyId, ctx.now,
  ]);
  return key;
}

/** The subject's data key; 410 subject_erased once it has been destroyed. */
export async function subjectKey(ctx: Pick<PrivacyCtx, 'tx' | 'wrapper'>, subjectId: string): Promise<Uint8Array> {
  const [row] = (await ctx.tx.query(`SELECT wrapped_key AS wrapped, master_key_id AS "masterKeyId" FROM subject_keys WHERE subject_id = $1`, [subjectId])) as { wrapped: Buffer; masterKeyId: string }[];
  if (!row) throw subjectErased();
  return unwrapOrThrow(ctx.wrapper, row, subjectContext(subjectId));
}

/** A key of the appliance itself, created on first use (two nodes racing agree on one). */
export async function systemKey(ctx: Pick<PrivacyCtx, 'tx' | 'wrapper' | 'now'>, purpose: string): Promise<Uint8Array> {
  const select = async () =>
    ((await ctx.tx.query(`SELECT wrapped_key AS wrapped, master_key_id AS "masterKeyId" FROM system_keys WHERE purpose = $1`, [purpose])) as { wrapped: Buffer; masterKeyId: string }[])[0];
  let row = await select();
  if (!row) {
    const key = newDataKey();
    await ctx.tx.query(`INSERT INTO system_keys (purpose, wrapped_key, master_key_id, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (purpose) DO NOTHING`, [
      purpose, Buffer.from(ctx.wrapper.wrap(key, systemContext(purpose))), ctx.wrapper.keyId, ctx.now,
    ]);
    row = await select();
    if (!row) throw new AppError(500, 'internal_error', 'Internal error.');
  }
  return unwrapOrThrow(ctx.wrapper, row, systemContext(purpose));
}

export const keyContexts = { subject: subjectContext, system: systemContext };
