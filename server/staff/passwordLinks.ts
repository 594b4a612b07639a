// One-time password links: an admin invites a new staff member or resets a forgotten password,
// and the person sets their own password through the link (the admin never knows it). A link is
// 32 random bytes, stored as a SHA-256, works once until it expires (SETUP_TOKEN_TTL_SECONDS),
// and a newer link voids older ones. Setting the password ends every session of the account and
// lifts a lockout. Every step is audited.
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { sha256 } from '../auth/tokens.ts';
import { AppError, notFound } from '../errors.ts';
import {
  insertLink,
  type LinkPurpose,
  lockLink,
  markLinkUsed,
  usableLinkExists,
  voidUserLinks,
} from './store/passwordLinks.ts';
import { revokeUserSessions } from './store/sessions.ts';
import { findUser, type Queryable, setPasswordHash, type UserRow } from './store/users.ts';
import type { Actor } from './users.ts';

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
  await voidUserLinks(tx, user.id, now);
  const token = randomBytes(32).toString('base64url');
  const id = randomUUID();
  const expiresAt = new Date(now.getTime() + props.ttlSeconds * 1000);
  await insertLink(tx, {
    id,
    userId: user.id,
    tokenHash: sha256(token),
    purpose: props.purpose,
    createdBy: props.actor.id,
    now,
    expiresAt,
  });
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
export async function passwordLinkLooksValid(db: Queryable, token: string, now: Date): Promise<boolean> {
  return usableLinkExists(db, sha256(token), now);
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
  const link = await lockLink(tx, sha256(props.token));
  if (!link || link.usedAt || link.expiresAt <= now || link.disabledAt) throw invalidPasswordLink();
  await markLinkUsed(tx, link.id, now);
  await setPasswordHash(tx, link.userId, props.passwordHash);
  const sessionsEnded = await revokeUserSessions(tx, link.userId, now, 'password_set');
  await appendAudit(tx, {
    actor: { type: 'staff', id: link.userId },
    action: 'staff.password_set',
    resource: { type: 'StaffUser', id: link.userId },
    requestId: props.requestId,
    details: { via: link.purpose, linkId: link.id, sessionsEnded },
  });
  return (await findUser(tx, link.userId))!;
}
