import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import type { Role, StaffUser } from '../db/entities.ts';
import { isUniqueViolation } from '../db/results.ts';
import { conflict, notFound } from '../errors.ts';
import { findUser, USER_COLUMNS, type UserRow } from './store.ts';

export type Actor = { type: 'staff' | 'system'; id: string };

export function presentUser(
  u: Pick<StaffUser, 'id' | 'email' | 'displayName' | 'role' | 'disabledAt' | 'createdAt' | 'lockedUntil'>,
) {
  return {
    id: u.id,
    email: u.email,
    displayName: u.displayName,
    role: u.role,
    disabled: u.disabledAt !== null,
    locked: u.lockedUntil !== null && u.lockedUntil > new Date(),
    createdAt: u.createdAt.toISOString(),
  };
}

/** Creates a staff account; the password arrives already hashed (hashing is slow: do it before the transaction). */
export async function createStaffUser(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
  input: { email: string; displayName: string; role: Role; passwordHash: string };
}): Promise<UserRow> {
  const { tx, input } = props;
  const id = randomUUID();
  try {
    // A savepoint keeps the surrounding transaction usable if the email is taken.
    await tx.query('SAVEPOINT create_staff_user');
    await tx.query(
      `INSERT INTO staff_users (id, email, display_name, password_hash, role) VALUES ($1, $2, $3, $4, $5)`,
      [id, input.email, input.displayName, input.passwordHash, input.role],
    );
    await tx.query('RELEASE SAVEPOINT create_staff_user');
  } catch (err) {
    await tx.query('ROLLBACK TO SAVEPOINT create_staff_user');
    if (isUniqueViolation(err)) throw conflict('email_taken', 'A staff account with this email already exists.');
    throw err;
  }
  await appendAudit(tx, {
    actor: props.actor,
    action: 'staff.create',
    resource: { type: 'StaffUser', id },
    requestId: props.requestId,
    details: { role: input.role },
  });
  return (await findUser(tx, id))!;
}

/** A listed account with its second factor (confirmed) and its newest session's start, its last sign-in. */
export type ListedUser = UserRow & { mfa: boolean; lastSignInAt: Date | null };

export async function listStaffUsers(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
}): Promise<ListedUser[]> {
  const rows = (await props.tx.query(
    `SELECT ${USER_COLUMNS},
            EXISTS (SELECT 1 FROM staff_mfa m WHERE m.user_id = staff_users.id AND m.confirmed_at IS NOT NULL) AS mfa,
            (SELECT max(s.created_at) FROM staff_sessions s WHERE s.user_id = staff_users.id) AS "lastSignInAt"
       FROM staff_users ORDER BY created_at, id`,
  )) as ListedUser[];
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'staff.list',
    resource: { type: 'StaffUser' },
    requestId: props.requestId,
    details: { returned: rows.length },
  });
  return rows;
}

/** Changes role and/or disabled state; never leaves the appliance without an active admin. */
export async function updateStaffUser(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
  userId: string;
  change: { role?: Role; disabled?: boolean; displayName?: string; unlock?: true };
  now: Date;
}): Promise<UserRow> {
  const { tx, userId, change, actor, requestId } = props;
  // Locking every admin row serialises concurrent demotions, so two admins cannot demote each other.
  await tx.query(`SELECT id FROM staff_users WHERE role = 'admin' OR id = $1 ORDER BY id FOR UPDATE`, [userId]);
  const [current] = (await tx.query(`SELECT ${USER_COLUMNS} FROM staff_users WHERE id = $1`, [userId])) as UserRow[];
  if (!current) throw notFound('staff user');
  const newRole = change.role ?? current.role;
  const newDisabled = change.disabled ?? current.disabledAt !== null;
  if (current.role === 'admin' && current.disabledAt === null && (newRole !== 'admin' || newDisabled)) {
    const [{ n } = { n: 0 }] = (await tx.query(
      `SELECT count(*)::int AS n FROM staff_users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1`,
      [userId],
    )) as { n: number }[];
    if (n === 0) throw conflict('last_admin', 'This is the last active admin; make another admin first.');
  }
  const resource = { type: 'StaffUser', id: userId };
  if (newRole !== current.role) {
    await tx.query(`UPDATE staff_users SET role = $2, updated_at = now() WHERE id = $1`, [userId, newRole]);
    await appendAudit(tx, {
      actor,
      action: 'staff.role_change',
      resource,
      requestId,
      details: { from: current.role, to: newRole },
    });
  }
  if (newDisabled !== (current.disabledAt !== null)) {
    await tx.query(`UPDATE staff_users SET disabled_at = $2, updated_at = now() WHERE id = $1`, [
      userId,
      newDisabled ? props.now : null,
    ]);
    if (newDisabled) {
      const [{ n: live } = { n: 0 }] = (await tx.query(
        `SELECT count(*)::int AS n FROM staff_sessions WHERE user_id = $1 AND revoked_at IS NULL`,
        [userId],
      )) as { n: number }[];
      await tx.query(
        `UPDATE staff_sessions SET revoked_at = $2, revoked_reason = 'user_disabled' WHERE user_id = $1 AND revoked_at IS NULL`,
        [userId, props.now],
      );
      await appendAudit(tx, {
        actor,
        action: 'staff.disable',
        resource,
        requestId,
        details: { sessionsRevoked: live },
      });
    } else {
      await tx.query(`UPDATE staff_users SET failed_logins = 0, locked_until = NULL WHERE id = $1`, [userId]);
      await appendAudit(tx, { actor, action: 'staff.enable', resource, requestId });
    }
  }
  if (change.displayName !== undefined && change.displayName !== current.displayName) {
    await tx.query(`UPDATE staff_users SET display_name = $2, updated_at = now() WHERE id = $1`, [
      userId,
      change.displayName,
    ]);
    await appendAudit(tx, { actor, action: 'staff.rename', resource, requestId });
  }
  if (change.unlock && current.lockedUntil !== null) {
    await tx.query(`UPDATE staff_users SET failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1`, [
      userId,
    ]);
    await appendAudit(tx, { actor, action: 'staff.unlock', resource, requestId });
  }
  return (await findUser(tx, userId))!;
}

/** A staff account as the console shows it; undefined when there is none. */
export async function getUser(tx: Pick<EntityManager, 'query'>, userId: string): Promise<UserRow | undefined> {
  return findUser(tx, userId);
}
