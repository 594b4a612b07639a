import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import type { Role, StaffUser } from '../db/entities.ts';
import { isUniqueViolation } from '../db/results.ts';
import { conflict, notFound } from '../errors.ts';
import { liveSessionCount, revokeUserSessions } from './store/sessions.ts';
import {
  clearFailedLogins,
  findUser,
  insertUser,
  type ListedUser,
  listUsers,
  lockAdminsAnd,
  otherActiveAdmins,
  type Queryable,
  setDisabled,
  setDisplayName,
  setRole,
  unlockUser,
  type UserRow,
} from './store/users.ts';

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
    await insertUser(tx, { id, ...input });
  } catch (err) {
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

export async function listStaffUsers(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
}): Promise<ListedUser[]> {
  const rows = await listUsers(props.tx);
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
  await lockAdminsAnd(tx, userId);
  const current = await findUser(tx, userId);
  if (!current) throw notFound('staff user');
  const newRole = change.role ?? current.role;
  const newDisabled = change.disabled ?? current.disabledAt !== null;
  if (current.role === 'admin' && current.disabledAt === null && (newRole !== 'admin' || newDisabled)) {
    if ((await otherActiveAdmins(tx, userId)) === 0)
      throw conflict('last_admin', 'This is the last active admin; make another admin first.');
  }
  const resource = { type: 'StaffUser', id: userId };
  if (newRole !== current.role) {
    await setRole(tx, userId, newRole);
    await appendAudit(tx, {
      actor,
      action: 'staff.role_change',
      resource,
      requestId,
      details: { from: current.role, to: newRole },
    });
  }
  if (newDisabled !== (current.disabledAt !== null)) {
    await setDisabled(tx, userId, newDisabled ? props.now : null);
    if (newDisabled) {
      const live = await liveSessionCount(tx, userId);
      await revokeUserSessions(tx, userId, props.now, 'user_disabled');
      await appendAudit(tx, {
        actor,
        action: 'staff.disable',
        resource,
        requestId,
        details: { sessionsRevoked: live },
      });
    } else {
      await clearFailedLogins(tx, userId);
      await appendAudit(tx, { actor, action: 'staff.enable', resource, requestId });
    }
  }
  if (change.displayName !== undefined && change.displayName !== current.displayName) {
    await setDisplayName(tx, userId, change.displayName);
    await appendAudit(tx, { actor, action: 'staff.rename', resource, requestId });
  }
  if (change.unlock && current.lockedUntil !== null) {
    await unlockUser(tx, userId);
    await appendAudit(tx, { actor, action: 'staff.unlock', resource, requestId });
  }
  return (await findUser(tx, userId))!;
}

/** A staff account as the console shows it; undefined when there is none. */
export async function getUser(tx: Queryable, userId: string): Promise<UserRow | undefined> {
  return findUser(tx, userId);
}
