// One-time password links: an admin invites a new staff member or resets a forgotten password,
// and the person sets their own password through the link (the admin never knows it). A link is
// 32 random bytes, stored as a SHA-256, works once until it expires (SETUP_TOKEN_TTL_SECONDS),
// and a newer link voids older ones. Setting the password ends every session of the account and
// lifts a lockout. Every step is audited.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { sha256 } from '../auth/tokens.ts';
import { changedRows } from '../db/results.ts';
import { AppError, notFound } from '../errors.ts';
import { findUser, type UserRow } from './store.ts';
import type { Actor } from './users.ts';

export type LinkPurpose = 'invite' | 'reset';

export const invalidPasswordLink = () =>
  new AppError(403, 'invalid_password_link', 'This link is wrong, used or expired. Ask an admin for a new one.');

export async function issuePasswordLink(props: {
  tx: EntityManager;
  actor: Actor;
  requestId?: string;
  userId: string;
  purpose: LinkPurpose;
  now: Date;
  ttlSeconds: number;
  publicUrl: string;
}) {
  const { tx, now } = props;
  const user = await findUser(tx, props.userId);
  if (!user) throw notFound('staff user');
  if (user.disabledAt) throw new AppError(409, 'user_disabled', 'This account is disabled; enable it first.');
  await tx.query(`UPDATE staff_password_links SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, [user.id, now]);
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + props.ttlSeconds * 1000);
  await tx.query(
    `INSERT INTO staff_password_links (id, user_id, token_hash, purpose, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, user.id, sha256(token), props.purpose, props.actor.id, now, expiresAt],
  );
  await appendAudit(tx, {
    actor: props.actor,
    action: `staff.password_link_${props.purpose}`,
    resource: { type: 'StaffUser', id: user.id },
    requestId: props.requestId,
    details: { linkId: id },
  });
  return { link: `${props.publicUrl}/console/password#token=${token}`, token, expiresAt };
}

/** A cheap look before the slow password hash, so a stream of bogus tokens costs no bcrypt time. */
export async function passwordLinkLooksValid(
  db: Pick<EntityManager, 'query'>,
  token: string,
  now: Date,
): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM staff_password_links WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
    [sha256(token), now],
  )) as unknown[];
  return rows.length > 0;
}

/** Uses the link: the new password (hashed already), the lockout lifted, every session ended. */
export async function usePasswordLink(props: {
  tx: EntityManager;
  token: string;
  passwordHash: string;
  now: Date;
  requestId?: string;
}): Promise<UserRow> {
  const { tx, now } = props;
  const [link] = (await tx.query(
    `SELECT l.id, l.user_id AS "userId", l.purpose, l.expires_at AS "expiresAt", l.used_at AS "usedAt", u.disabled_at AS "disabledAt"
       FROM staff_password_links l JOIN staff_users u ON u.id = l.user_id WHERE l.token_hash = $1 FOR UPDATE OF l, u`,
    [sha256(props.token)],
  )) as {
    id: string;
    userId: string;
    purpose: LinkPurpose;
    expiresAt: Date;
    usedAt: Date | null;
    disabledAt: Date | null;
  }[];
  if (!link || link.usedAt || link.expiresAt <= now || link.disabledAt) throw invalidPasswordLink();
  await tx.query(`UPDATE staff_password_links SET used_at = $2 WHERE id = $1`, [link.id, now]);
  await tx.query(
    `UPDATE staff_users SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = now() WHERE id = $1`,
    [link.userId, props.passwordHash],
  );
  const sessionsEnded = changedRows(
    await tx.query(
      `UPDATE staff_sessions SET revoked_at = $2, revoked_reason = 'password_set' WHERE user_id = $1 AND revoked_at IS NULL`,
      [link.userId, now],
    ),
  );
  await appendAudit(tx, {
    actor: { type: 'staff', id: link.userId },
    action: 'staff.password_set',
    resource: { type: 'StaffUser', id: link.userId },
    requestId: props.requestId,
    details: { via: link.purpose, linkId: link.id, sessionsEnded },
  });
  return (await findUser(tx, link.userId))!;
}
