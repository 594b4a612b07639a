// The TOTP second factor of local staff accounts: enrolment (a secret shown once, its QR code and ten
// recovery codes), the second sign-in step behind a signed challenge, and an administrator's reset.
// Wrong codes count toward the account's lockout like wrong passwords; a code's time step is
// accepted once only. Every step is on the audit record (ids and counts only).
import { randomBytes } from 'node:crypto';
import QRCode from 'qrcode';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../../audit/append.ts';
import type { Role } from '../../db/entities.ts';
import { conflict, notFound, unauthenticated } from '../../errors.ts';
import type { Infra } from '../../infra.ts';
import { type IssuedSession, countFailure, issue, signPending } from '../../staff/sessions.ts';
import { clearFailedLogins, findUser, lockUser } from '../../staff/store/users.ts';
import { revokeUserSessions } from '../../staff/store/sessions.ts';
import { SECRET_BYTES, newRecoveryCodes, openSecret, recoveryCodeHash, recoveryKey, sealSecret } from './sealing.ts';
import {
  acceptStep,
  confirmMfa,
  deleteMfa,
  findMfa,
  putPendingMfa,
  recoveryCodesLeft,
  useRecoveryCode,
} from './store.ts';
import { base32Encode, matchTotp, otpauthUrl } from './totp.ts';

export { issueChallenge, readChallenge } from './challenge.ts';

type Actor = { type: 'staff' | 'system'; id: string };

/** After a right password: `verify` when the account has a second factor, `enrol` when its role requires one it lacks. */
export const secondStepFor =
  (deps: Pick<Infra, 'config'>) => async (tx: EntityManager, user: { id: string; role: Role }) => {
    const row = await findMfa(tx, user.id);
    if (row?.confirmedAt) return 'verify' as const;
    return deps.config.auth.mfa.requiredRoles.includes(user.role) ? ('enrol' as const) : null;
  };

export interface Enrolment {
  /** base32, for typing in by hand */
  secret: string;
  otpauthUrl: string;
  /** the otpauth URL as a QR code, an SVG data: URL */
  qrCode: string;
  recoveryCodes: string[];
}

/** Starts (or restarts) an unconfirmed enrolment; an enrolled account must be reset by an administrator first. */
export async function beginEnrolment(props: {
  deps: Infra;
  tx: EntityManager;
  userId: string;
  requestId: string;
}): Promise<Enrolment> {
  const { deps, tx, userId } = props;
  const user = await findUser(tx, userId);
  if (!user) throw notFound('staff user');
  const existing = await findMfa(tx, userId, true);
  if (existing?.confirmedAt)
    throw conflict('mfa_already_enrolled', 'A second factor is already set up; an administrator can reset it.');
  const secret = randomBytes(SECRET_BYTES);
  const codes = newRecoveryCodes();
  const key = await recoveryKey(deps, tx);
  await putPendingMfa(
    tx,
    userId,
    await sealSecret(deps, tx, userId, secret),
    codes.map((c) => recoveryCodeHash(key, userId, c)),
    deps.now(),
  );
  await appendAudit(tx, {
    actor: { type: 'staff', id: userId },
    action: 'mfa.enrol_start',
    resource: { type: 'StaffUser', id: userId },
    requestId: props.requestId,
    details: { recoveryCodes: codes.length },
  });
  const url = otpauthUrl({ issuer: 'Palisade', account: user.email, secret });
  const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return {
    secret: base32Encode(secret),
    otpauthUrl: url,
    qrCode: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`,
    recoveryCodes: codes,
  };
}

export type Proof = { code: string } | { recoveryCode: string };

/**
 * One second-factor step for `userId`, under the user row's lock:
 * `verify` a code or recovery code of a confirmed factor and open a session; `enrol` confirm a pending
 * factor with a code and open a session (sign-in with enrolment); `confirm` the same without a session
 * (a signed-in user). A wrong or replayed code counts toward the lockout; 401 mfa_code_invalid after the commit.
 */
export async function secondFactor(props: {
  deps: Infra;
  userId: string;
  proof: Proof;
  step: 'verify' | 'enrol' | 'confirm';
  requestId: string;
}): Promise<IssuedSession | undefined> {
  const { deps, userId, proof, step, requestId } = props;
  const outcome = await deps.db.dataSource.transaction(async (tx) => {
    const actor = { type: 'staff' as const, id: userId };
    const now = deps.now();
    const locked = await lockUser(tx, userId);
    if (!locked || locked.disabledAt || (locked.lockedUntil && locked.lockedUntil > now)) {
      await appendAudit(tx, {
        actor,
        action: 'auth.login',
        outcome: 'failure',
        requestId,
        details: { cause: locked?.disabledAt ? 'disabled' : 'locked', secondFactor: true },
      });
      return null;
    }
    const row = await findMfa(tx, userId, true);
    if (!row || (step === 'verify') !== Boolean(row.confirmedAt)) {
      await appendAudit(tx, {
        actor,
        action: 'auth.login',
        outcome: 'failure',
        requestId,
        details: { cause: step === 'verify' ? 'mfa_not_enrolled' : 'mfa_not_pending' },
      });
      return null;
    }
    let via: 'totp' | 'recovery_code' | undefined;
    if ('code' in proof) {
      const matched = matchTotp({
        secret: await openSecret(deps, tx, userId, row.secretCiphertext),
        code: proof.code,
        at: now,
        afterStep: row.lastStep,
      });
      if (matched !== null) {
        await (step === 'verify' ? acceptStep(tx, userId, matched) : confirmMfa(tx, userId, matched, now));
        via = 'totp';
      }
    } else if (
      step === 'verify' &&
      (await useRecoveryCode(
        tx,
        userId,
        recoveryCodeHash(await recoveryKey(deps, tx), userId, proof.recoveryCode),
        now,
      ))
    ) {
      via = 'recovery_code';
    }
    if (!via) {
      await countFailure(tx, deps, locked, requestId, 'wrong_second_factor');
      return null;
    }
    await clearFailedLogins(tx, userId);
    const resource = { type: 'StaffUser', id: userId };
    if (step !== 'verify') await appendAudit(tx, { actor, action: 'mfa.enrol', resource, requestId });
    if (via === 'recovery_code')
      await appendAudit(tx, {
        actor,
        action: 'mfa.recovery_used',
        resource,
        requestId,
        details: { left: await recoveryCodesLeft(tx, userId) },
      });
    if (step === 'confirm') return { session: undefined };
    const session = await issue(deps, tx, { id: userId, role: locked.role });
    await appendAudit(tx, { actor, action: 'auth.login', resource, requestId, details: { secondFactor: via } });
    const user = (await findUser(tx, userId))!;
    return { session, user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role } };
  });
  if (!outcome)
    throw unauthenticated('mfa_code_invalid', 'The code is wrong or already used, or the account cannot sign in now.');
  if (!outcome.session) return undefined;
  return { ...(await signPending(deps, outcome.session)), user: outcome.user! };
}

export async function mfaStatus(props: { deps: Pick<Infra, 'config'>; tx: EntityManager; userId: string; role: Role }) {
  const row = await findMfa(props.tx, props.userId);
  return {
    enrolled: Boolean(row?.confirmedAt),
    pending: Boolean(row && !row.confirmedAt),
    required: props.deps.config.auth.mfa.requiredRoles.includes(props.role),
    recoveryCodesLeft: row?.confirmedAt ? await recoveryCodesLeft(props.tx, props.userId) : 0,
  };
}

/** An administrator removes a user's second factor (a lost phone); the user enrols again at the next sign-in. */
export async function resetMfa(props: {
  tx: EntityManager;
  actor: Actor;
  userId: string;
  requestId: string;
}): Promise<void> {
  if (!(await findUser(props.tx, props.userId))) throw notFound('staff user');
  const removed = await deleteMfa(props.tx, props.userId);
  // A lost phone may sit in someone else's hands with a live session: the reset ends them all.
  const sessionsRevoked = removed ? await revokeUserSessions(props.tx, props.userId, new Date(), 'mfa_reset') : 0;
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'mfa.reset',
    resource: { type: 'StaffUser', id: props.userId },
    requestId: props.requestId,
    details: { removed, sessionsRevoked },
  });
}
