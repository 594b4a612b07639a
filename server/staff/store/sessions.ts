// The staff sessions' SQL (staff_sessions, read with the account's role and state) and the row
// types. A session row holds the hash of its refresh token, never the token.
import type { EntityManager } from 'typeorm';
import type { Role } from '../../db/entities.ts';
import { changedRows } from '../../db/results.ts';

/** A transaction, or the data source for a single read outside one. */
type Queryable = Pick<EntityManager, 'query'>;

/** What decides whether an access token's session still stands. */
export interface SessionStanding {
  role: Role;
  disabledAt: Date | null;
  revokedAt: Date | null;
  expiresAt: Date;
}

/** A session as a refresh reads it, with its account's role and state. */
export interface RefreshRow {
  userId: string;
  refreshHash: string;
  expiresAt: Date;
  revokedAt: Date | null;
  role: Role;
  disabledAt: Date | null;
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

/** A new session, first used at its start. */
export async function insertSession(
  tx: Queryable,
  s: { id: string; userId: string; refreshHash: string; now: Date; expiresAt: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO staff_sessions (id, user_id, refresh_hash, created_at, last_used_at, expires_at) VALUES ($1, $2, $3, $4, $4, $5)`,
    [s.id, s.userId, s.refreshHash, s.now, s.expiresAt],
  );
}

/** The session with its account, the session's row locked (FOR UPDATE OF s) until the transaction ends. */
export async function lockSessionForRefresh(tx: Queryable, sessionId: string): Promise<RefreshRow | undefined> {
  const rows = (await tx.query(
    `SELECT s.user_id AS "userId", s.refresh_hash AS "refreshHash", s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt",
            u.role, u.disabled_at AS "disabledAt"
       FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id WHERE s.id = $1 FOR UPDATE OF s`,
    [sessionId],
  )) as RefreshRow[];
  return rows[0];
}

/** Ends a session whose already-rotated refresh token came back. */
export async function revokeReusedSession(tx: Queryable, sessionId: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_sessions SET revoked_at = $2, revoked_reason = 'refresh_reuse' WHERE id = $1`, [
    sessionId,
    now,
  ]);
}

export async function rotateRefresh(tx: Queryable, sessionId: string, refreshHash: string, now: Date): Promise<void> {
  await tx.query(`UPDATE staff_sessions SET refresh_hash = $2, last_used_at = $3 WHERE id = $1`, [
    sessionId,
    refreshHash,
    now,
  ]);
}

/** A sign-out: the session ends unless it has already. */
export async function endSession(tx: Queryable, sessionId: string, now: Date): Promise<void> {
  await tx.query(
    `UPDATE staff_sessions SET revoked_at = $2, revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId, now],
  );
}

export async function liveSessionCount(tx: Queryable, userId: string): Promise<number> {
  const [{ n } = { n: 0 }] = (await tx.query(
    `SELECT count(*)::int AS n FROM staff_sessions WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId],
  )) as { n: number }[];
  return n;
}

/** Ends every live session of the account; answers how many it ended. */
export async function revokeUserSessions(
  tx: Queryable,
  userId: string,
  now: Date,
  reason: 'user_disabled' | 'password_set' | 'mfa_reset',
): Promise<number> {
  return changedRows(
    await tx.query(
      `UPDATE staff_sessions SET revoked_at = $2, revoked_reason = $3 WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, now, reason],
    ),
  );
}
