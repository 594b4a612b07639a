// Staff accounts and their sessions as the request path reads them, with the row types.
import type { EntityManager } from 'typeorm';
import type { Role, StaffUser } from '../db/entities.ts';

/** A transaction, or the data source for a single read outside one. */
export type Queryable = Pick<EntityManager, 'query'>;

export const USER_COLUMNS = `id, email, display_name AS "displayName", role, disabled_at AS "disabledAt", locked_until AS "lockedUntil", created_at AS "createdAt"`;
export type UserRow = Pick<
  StaffUser,
  'id' | 'email' | 'displayName' | 'role' | 'disabledAt' | 'createdAt' | 'lockedUntil'
>;

export async function findUser(tx: Queryable, userId: string): Promise<UserRow | undefined> {
  const [row] = (await tx.query(`SELECT ${USER_COLUMNS} FROM staff_users WHERE id = $1`, [userId])) as UserRow[];
  return row;
}

/** What decides whether an access token's session still stands. */
export interface SessionStanding {
  role: Role;
  disabledAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

export async function sessionStanding(
  tx: Queryable,
  sessionId: string,
  userId: string,
): Promise<SessionStanding | undefined> {
  const [row] = (await tx.query(
    `SELECT u.role, u.disabled_at AS "disabledAt", s.revoked_at AS "revokedAt", s.expires_at AS "expiresAt"
       FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.id = $1 AND u.id = $2`,
    [sessionId, userId],
  )) as SessionStanding[];
  return row;
}
