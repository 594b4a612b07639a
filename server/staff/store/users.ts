// The staff accounts' SQL (staff_users) with the row types. Callers hold the transaction and write
// the audit events; nothing here decides who may do what. The area's other subjects have a file
// each in store/.
import type { DataSource, EntityManager } from 'typeorm';
import type { Role, StaffUser } from '../../db/entities.ts';
import { StaffUserEntity } from '../../db/entities.ts';
import { withSavepoint } from '../../db/results.ts';

/** A transaction, or the data source for a single read outside one. */
export type Queryable = Pick<EntityManager, 'query'>;

export const USER_COLUMNS = `id, email, display_name AS "displayName", role, disabled_at AS "disabledAt", locked_until AS "lockedUntil", created_at AS "createdAt"`;
export type UserRow = Pick<
  StaffUser,
  'id' | 'email' | 'displayName' | 'role' | 'disabledAt' | 'createdAt' | 'lockedUntil'
>;

/** A listed account with its second factor (confirmed) and its newest session's start, its last sign-in. */
export type ListedUser = UserRow & { mfa: boolean; lastSignInAt: Date | null };

/** What a sign-in reads and changes, under a row lock on the account. */
export interface LockedUser {
  id: string;
  role: Role;
  failedLogins: number;
  lockedUntil: Date | null;
  disabledAt: Date | null;
}

export async function findUser(tx: Queryable, userId: string): Promise<UserRow | undefined> {
  const [row] = (await tx.query(`SELECT ${USER_COLUMNS} FROM staff_users WHERE id = $1`, [userId])) as UserRow[];
  return row;
}

/** The whole account (password hash included) with this email, any case; null when there is none. */
export async function findUserByEmail(db: Pick<DataSource, 'getRepository'>, email: string): Promise<StaffUser | null> {
  return db
    .getRepository(StaffUserEntity)
    .createQueryBuilder('u')
    .where('lower(u.email) = lower(:email)', { email })
    .getOne();
}

/**
 * Inserts the account inside a savepoint, which keeps the surrounding transaction usable if the
 * email is taken (the unique violation is thrown on).
 */
export async function insertUser(
  tx: Queryable,
  u: { id: string; email: string; displayName: string; passwordHash: string; role: Role },
): Promise<void> {
  await withSavepoint(tx, 'create_staff_user', async () => {
    await tx.query(
      `INSERT INTO staff_users (id, email, display_name, password_hash, role) VALUES ($1, $2, $3, $4, $5)`,
      [u.id, u.email, u.displayName, u.passwordHash, u.role],
    );
  });
}

const LISTED_COLUMNS = `${USER_COLUMNS},
            EXISTS (SELECT 1 FROM staff_mfa m WHERE m.user_id = staff_users.id AND m.confirmed_at IS NOT NULL) AS mfa,
            (SELECT max(s.created_at) FROM staff_sessions s WHERE s.user_id = staff_users.id) AS "lastSignInAt"`;

export async function listUsers(tx: Queryable): Promise<ListedUser[]> {
  return (await tx.query(`SELECT ${LISTED_COLUMNS} FROM staff_users ORDER BY created_at, id`)) as ListedUser[];
}

/** One account as the list shows it; undefined when there is none. */
export async function findListedUser(tx: Queryable, userId: string): Promise<ListedUser | undefined> {
  const [row] = (await tx.query(`SELECT ${LISTED_COLUMNS} FROM staff_users WHERE id = $1`, [userId])) as ListedUser[];
  return row;
}

/** Locks every admin row and the account's own, in one order: concurrent demotions run one after another. */
export async function lockAdminsAnd(tx: Queryable, userId: string): Promise<void> {
  await tx.query(`SELECT id FROM staff_users WHERE role = 'admin' OR id = $1 ORDER BY id FOR UPDATE`, [userId]);
}

export async function otherActiveAdmins(tx: Queryable, userId: string): Promise<number> {
  const [{ n } = { n: 0 }] = (await tx.query(
    `SELECT count(*)::int AS n FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
    [userId],
  )) as { n: number }[];
  return n;
}

export async function hasActiveAdmin(tx: Queryable): Promise<boolean> {
  const rows = (await tx.query(
    `SELECT 1 FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1`,
  )) as unknown[];
  return rows.length > 0;
}

export async function setRole(tx: Queryable, userId: string, role: Role): Promise<void> {
  await tx.query(`UPDATE staff_users SET role = $2, updated_at = now() WHERE id = $1`, [userId, role]);
}

/** `disabledAt` null: enabled. */
export async function setDisabled(tx: Queryable, userId: string, disabledAt: Date | null): Promise<void> {
  await tx.query(`UPDATE staff_users SET disabled_at = $2, updated_at = now() WHERE id = $1`, [userId, disabledAt]);
}

export async function setDisplayName(tx: Queryable, userId: string, displayName: string): Promise<void> {
  await tx.query(`UPDATE staff_users SET display_name = $2, updated_at = now() WHERE id = $1`, [userId, displayName]);
}

/** An admin's unlock: the failure count and the lockout cleared. */
export async function unlockUser(tx: Queryable, userId: string): Promise<void> {
  await tx.query(`UPDATE staff_users SET failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1`, [
    userId,
  ]);
}

/** A sign-in that passed (or an account enabled again): the failure count and the lockout cleared. */
export async function clearFailedLogins(tx: Queryable, userId: string): Promise<void> {
  await tx.query(`UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, [userId]);
}

/** A new password: the failure count and the lockout cleared with it. */
export async function setPasswordHash(tx: Queryable, userId: string, passwordHash: string): Promise<void> {
  await tx.query(
    `UPDATE staff_users SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1`,
    [userId, passwordHash],
  );
}

/** The account's sign-in state, its row locked (FOR UPDATE) until the transaction ends. */
export async function lockUser(tx: Queryable, userId: string): Promise<LockedUser | undefined> {
  const rows = (await tx.query(
    `SELECT id, role, failed_logins AS "failedLogins", locked_until AS "lockedUntil", disabled_at AS "disabledAt"
       FROM staff_users WHERE id = $1 FOR UPDATE`,
    [userId],
  )) as LockedUser[];
  return rows[0];
}

export async function setFailedLogins(
  tx: Queryable,
  userId: string,
  failures: number,
  lockedUntil: Date | null,
): Promise<void> {
  await tx.query(`UPDATE staff_users SET failed_logins = $2, locked_until = $3 WHERE id = $1`, [
    userId,
    failures,
    lockedUntil,
  ]);
}
