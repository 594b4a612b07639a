// Sign-in, refresh and sign-out for staff. Password checks run outside any transaction (bcrypt is
// slow and PGlite has one connection); the outcome is recorded under a row lock on the user.
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import { verifyPassword } from '../auth/passwords.ts';
import { type AccessClaims, newRefreshToken, parseRefreshToken, sha256, signAccessToken } from '../auth/tokens.ts';
import type { Role, StaffUser } from '../db/entities.ts';
import type { Infra } from '../infra.ts';
import { invalidCredentials, unauthenticated } from '../errors.ts';
import {
  endSession,
  insertSession,
  lockSessionForRefresh,
  revokeReusedSession,
  rotateRefresh,
  sessionStanding,
} from './store/sessions.ts';
import {
  clearFailedLogins,
  findUserByEmail,
  type LockedUser,
  lockUser,
  type Queryable,
  setFailedLogins,
} from './store/users.ts';

export interface IssuedSession {
  user: { id: string; email: string; displayName: string; role: Role };
  accessToken: string;
  accessExpiresAt: Date;
  refreshToken: string;
  refreshExpiresAt: Date;
}

/** A session stored in the transaction, its access token not signed yet. */
export interface PendingSession extends Omit<IssuedSession, 'user' | 'accessToken'> {
  claims: AccessClaims;
}

// Signed only after the commit: jose's HMAC runs on libuv's thread pool, which concurrent bcrypt
// checks can keep busy for seconds, and no transaction may hold row locks and a connection meanwhile.
export async function signPending(
  deps: Infra,
  { claims, ...session }: PendingSession,
): Promise<Omit<IssuedSession, 'user'>> {
  return {
    ...session,
    accessToken: await signAccessToken(deps.secrets.jwtKey, claims, deps.config.auth.accessTtlSeconds),
  };
}

export async function issue(deps: Infra, tx: EntityManager, user: { id: string; role: Role }): Promise<PendingSession> {
  const now = deps.now();
  const sessionId = randomUUID();
  const refresh = newRefreshToken(sessionId);
  const refreshExpiresAt = new Date(now.getTime() + deps.config.auth.refreshTtlSeconds * 1000);
  await insertSession(tx, {
    id: sessionId,
    userId: user.id,
    refreshHash: refresh.hash,
    now,
    expiresAt: refreshExpiresAt,
  });
  const ttl = deps.config.auth.accessTtlSeconds;
  return {
    claims: { userId: user.id, sessionId, role: user.role },
    accessExpiresAt: new Date(now.getTime() + ttl * 1000),
    refreshToken: refresh.token,
    refreshExpiresAt,
  };
}

/** A right password whose session waits for a second factor (`verify`) or its enrolment (`enrol`). */
export interface HeldSignIn {
  held: 'verify' | 'enrol';
  userId: string;
}

/** Counts a wrong password or second factor on the locked user row; locks the account at the limit. */
export async function countFailure(
  tx: EntityManager,
  deps: Infra,
  locked: LockedUser,
  requestId: string,
  cause: string,
): Promise<void> {
  const { maxFailures, lockoutSeconds } = deps.config.auth;
  const actor = { type: 'staff' as const, id: locked.id };
  const failures = locked.failedLogins + 1;
  const lockNow = failures >= maxFailures;
  await setFailedLogins(
    tx,
    locked.id,
    lockNow ? 0 : failures,
    lockNow ? new Date(deps.now().getTime() + lockoutSeconds * 1000) : locked.lockedUntil,
  );
  await appendAudit(tx, { actor, action: 'auth.login', outcome: 'failure', requestId, details: { cause, failures } });
  if (lockNow)
    await appendAudit(tx, {
      actor,
      action: 'auth.lockout',
      resource: { type: 'StaffUser', id: locked.id },
      requestId,
      details: { seconds: lockoutSeconds },
    });
}

/**
 * `gate`: where the account lookup and the password check run (the sign-in route's bounded queue); at once when absent.
 * `secondStep`: asked, in the transaction, after a right password; a step it names holds the session back.
 */
export async function login(props: {
  deps: Infra;
  email: string;
  password: string;
  requestId: string;
  gate?: <T>(work: () => Promise<T>) => Promise<T>;
  secondStep?: (tx: EntityManager, user: { id: string; role: Role }) => Promise<HeldSignIn['held'] | null>;
}): Promise<IssuedSession | HeldSignIn> {
  const { deps, requestId } = props;
  const { bcryptCost } = deps.config.auth;
  const ds = deps.db.dataSource;
  const gate = props.gate ?? (<T>(work: () => Promise<T>) => work());
  const { user, passwordOk } = await gate(async () => {
    const found: StaffUser | null = await findUserByEmail(ds, props.email);
    return { user: found, passwordOk: await verifyPassword(props.password, found?.passwordHash, bcryptCost) };
  });

  const outcome = await ds.transaction(async (tx) => {
    if (!user) {
      await appendAudit(tx, {
        actor: { type: 'anonymous', id: 'unknown' },
        action: 'auth.login',
        outcome: 'failure',
        requestId,
        details: { cause: 'unknown_account' },
      });
      return null;
    }
    const actor = { type: 'staff' as const, id: user.id };
    const locked = await lockUser(tx, user.id);
    const now = deps.now();
    if (!locked || locked.disabledAt || (locked.lockedUntil && locked.lockedUntil > now)) {
      await appendAudit(tx, {
        actor,
        action: 'auth.login',
        outcome: 'failure',
        requestId,
        details: { cause: locked?.disabledAt ? 'disabled' : 'locked' },
      });
      return null;
    }
    if (!passwordOk) {
      await countFailure(tx, deps, locked, requestId, 'wrong_password');
      return null;
    }
    await clearFailedLogins(tx, user.id);
    const held = props.secondStep ? await props.secondStep(tx, { id: user.id, role: locked.role }) : null;
    if (held) {
      await appendAudit(tx, {
        actor,
        action: 'auth.password_verified',
        resource: { type: 'StaffUser', id: user.id },
        requestId,
        details: { next: `mfa_${held}` },
      });
      return { held, session: undefined };
    }
    const session = await issue(deps, tx, { id: user.id, role: locked.role });
    await appendAudit(tx, { actor, action: 'auth.login', resource: { type: 'StaffUser', id: user.id }, requestId });
    return { session, user: { id: user.id, email: user.email, displayName: user.displayName, role: locked.role } };
  });
  // Thrown after the commit, so failed attempts and lockouts stay counted.
  if (!outcome) throw invalidCredentials();
  if (!outcome.session) return { held: outcome.held, userId: user!.id };
  return { ...(await signPending(deps, outcome.session)), user: outcome.user };
}

/** Rotates the refresh token; presenting an already-rotated one ends the session (token theft). */
export async function refresh(props: {
  deps: Infra;
  refreshToken: string;
  requestId: string;
}): Promise<Omit<IssuedSession, 'user'>> {
  const { deps, requestId } = props;
  const parsed = parseRefreshToken(props.refreshToken);
  if (!parsed) throw unauthenticated('refresh_invalid', 'The refresh token is invalid; sign in again.');
  const result = await deps.db.dataSource.transaction(async (tx) => {
    const s = await lockSessionForRefresh(tx, parsed.sessionId);
    const now = deps.now();
    if (!s || s.revokedAt || s.disabledAt || s.expiresAt <= now) return null;
    const actor = { type: 'staff' as const, id: s.userId };
    if (s.refreshHash !== sha256(props.refreshToken)) {
      await revokeReusedSession(tx, parsed.sessionId, now);
      await appendAudit(tx, {
        actor,
        action: 'auth.refresh_reuse',
        resource: { type: 'StaffUser', id: s.userId },
        outcome: 'denied',
        requestId,
      });
      return null;
    }
    const next = newRefreshToken(parsed.sessionId);
    await rotateRefresh(tx, parsed.sessionId, next.hash, now);
    await appendAudit(tx, { actor, action: 'auth.refresh', resource: { type: 'StaffUser', id: s.userId }, requestId });
    return {
      claims: { userId: s.userId, sessionId: parsed.sessionId, role: s.role },
      accessExpiresAt: new Date(now.getTime() + deps.config.auth.accessTtlSeconds * 1000),
      refreshToken: next.token,
      refreshExpiresAt: s.expiresAt,
    };
  });
  if (!result) throw unauthenticated('refresh_invalid', 'The refresh token is invalid; sign in again.');
  return signPending(deps, result);
}

export async function logout(props: {
  tx: EntityManager;
  deps: Infra;
  userId: string;
  sessionId: string;
  requestId: string;
}): Promise<void> {
  await endSession(props.tx, props.sessionId, props.deps.now());
  await appendAudit(props.tx, {
    actor: { type: 'staff', id: props.userId },
    action: 'auth.logout',
    resource: { type: 'StaffUser', id: props.userId },
    requestId: props.requestId,
  });
}

/** The role of a session that still stands (not revoked, not expired, its user not disabled); undefined otherwise. */
export async function liveSessionRole(
  tx: Queryable,
  claims: { sessionId: string; userId: string },
  now: Date,
): Promise<Role | undefined> {
  const live = await sessionStanding(tx, claims.sessionId, claims.userId);
  if (!live || live.revokedAt || live.disabledAt || live.expiresAt <= now) return undefined;
  return live.role;
}
