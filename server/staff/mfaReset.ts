// An administrator resets another account's second factor (a lost phone): in one transaction the
// confirmed or pending factor and its recovery codes go, every live session of the account ends, and
// the audit event keeps the stated reason. At the next sign-in a role that requires a second factor
// is asked to enrol again.
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { deleteMfa, findMfa } from '../auth/mfa/store.ts';
import { AppError, conflict, notFound } from '../errors.ts';
import { revokeUserSessions } from './store/sessions.ts';
import { findListedUser, type ListedUser, lockUser } from './store/users.ts';

export const mfaResetSelf = () =>
  new AppError(403, 'mfa_reset_self', 'You cannot reset your own second factor here; ask another administrator.');

export async function resetSecondFactor(props: {
  tx: EntityManager;
  actor: { type: 'staff'; id: string };
  requestId?: string;
  userId: string;
  reason: string;
  now: Date;
}): Promise<{ user: ListedUser; sessionsRevoked: number }> {
  const { tx, actor, userId } = props;
  if (actor.id === userId) throw mfaResetSelf();
  // The account's row lock orders the reset after (or before) a second-factor step in flight.
  if (!(await lockUser(tx, userId))) throw notFound('staff user');
  const factor = await findMfa(tx, userId, true);
  if (!factor) throw conflict('mfa_not_enrolled', 'This account has no second factor to reset.');
  await deleteMfa(tx, userId);
  const sessionsRevoked = await revokeUserSessions(tx, userId, props.now, 'mfa_reset');
  await appendAudit(tx, {
    actor,
    action: 'staff.mfa_reset',
    resource: { type: 'StaffUser', id: userId },
    reason: props.reason,
    requestId: props.requestId,
    details: { confirmed: factor.confirmedAt !== null, sessionsRevoked },
  });
  return { user: (await findListedUser(tx, userId))!, sessionsRevoked };
}
