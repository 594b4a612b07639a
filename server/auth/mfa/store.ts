// The second factor's rows: the sealed TOTP secret with the last accepted step, and the keyed hashes
// of the recovery codes.
import type { EntityManager } from 'typeorm';
import { changedRows } from '../../db/results.ts';

type Tx = Pick<EntityManager, 'query'>;

export interface MfaRow {
  userId: string;
  secretCiphertext: string;
  confirmedAt: Date | null;
  lastStep: number | null;
}

const MFA_COLUMNS = `user_id AS "userId", secret_ciphertext AS "secretCiphertext", confirmed_at AS "confirmedAt", last_step AS "lastStep"`;

/** `lock`: FOR UPDATE, so two codes checked at once cannot both pass for one step. */
export async function findMfa(tx: Tx, userId: string, lock = false): Promise<MfaRow | undefined> {
  const rows = (await tx.query(`SELECT ${MFA_COLUMNS} FROM staff_mfa WHERE user_id = $1${lock ? ' FOR UPDATE' : ''}`, [
    userId,
  ])) as MfaRow[];
  const row = rows[0];
  return row ? { ...row, lastStep: row.lastStep === null ? null : Number(row.lastStep) } : undefined;
}

export async function putPendingMfa(
  tx: Tx,
  userId: string,
  secretCiphertext: string,
  codeHashes: string[],
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO staff_mfa (user_id, secret_ciphertext, created_at) VALUES ($1, $2, $3)
       ON CONFLICT (user_id) DO UPDATE SET secret_ciphertext = EXCLUDED.secret_ciphertext, created_at = EXCLUDED.created_at, confirmed_at = NULL, last_step = NULL`,
    [userId, secretCiphertext, now],
  );
  await tx.query(`DELETE FROM staff_mfa_recovery_codes WHERE user_id = $1`, [userId]);
  for (const hash of codeHashes)
    await tx.query(`INSERT INTO staff_mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, [userId, hash]);
}

export async function confirmMfa(tx: Tx, userId: string, step: number, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_mfa SET confirmed_at = $2, last_step = $3 WHERE user_id = $1`, [userId, now, step]);
}

export async function acceptStep(tx: Tx, userId: string, step: number): Promise<void> {
  await tx.query(`UPDATE staff_mfa SET last_step = $2 WHERE user_id = $1`, [userId, step]);
}

/** Marks an unused recovery code used; false when there is no such unused code. */
export async function useRecoveryCode(tx: Tx, userId: string, codeHash: string, now: Date): Promise<boolean> {
  return (
    changedRows(
      await tx.query(
        `UPDATE staff_mfa_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
        [userId, codeHash, now],
      ),
    ) === 1
  );
}

export async function recoveryCodesLeft(tx: Tx, userId: string): Promise<number> {
  const [row] = (await tx.query(
    `SELECT count(*)::int AS n FROM staff_mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
    [userId],
  )) as { n: number }[];
  return row?.n ?? 0;
}

/** Removes the second factor; true when there was one. */
export async function deleteMfa(tx: Tx, userId: string): Promise<boolean> {
  await tx.query(`DELETE FROM staff_mfa_recovery_codes WHERE user_id = $1`, [userId]);
  return changedRows(await tx.query(`DELETE FROM staff_mfa WHERE user_id = $1`, [userId])) === 1;
}
