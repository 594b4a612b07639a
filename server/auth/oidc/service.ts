// Signing a staff member in from a verified ID token: the role from the policy's group rules, the
// account by its linked identity, else by verified email (linked then), else created when the
// setting allows; a disabled account is refused. The session is the one a password sign-in opens.
// Refusals are audited after the rollback with their cause (codes only, never the email).
import { appendAudit } from '../../audit/append.ts';
import type { Role } from '../../db/entities.ts';
import { AppError } from '../../errors.ts';
import type { Infra } from '../../infra.ts';
import { type IssuedSession, issue, signPending } from '../../staff/sessions.ts';
import { findUser, lockUser } from '../../staff/store/users.ts';
import { createStaffUser } from '../../staff/users.ts';
import { type SsoPolicy, roleFromClaims } from './policy.ts';
import { linkIdentity, linkedUserId, setRole, touchIdentity, userIdByEmail } from './store.ts';

export type SsoRefusal = 'sso_no_role' | 'sso_no_account' | 'account_disabled';

const MESSAGES: Record<SsoRefusal, [number, string]> = {
  sso_no_role: [403, 'Your groups at the identity provider give no role here; ask an administrator.'],
  sso_no_account: [403, 'There is no staff account for you here; ask an administrator.'],
  account_disabled: [403, 'This staff account is disabled.'],
};
export const ssoRefused = (id: SsoRefusal) => new AppError(MESSAGES[id][0], id, MESSAGES[id][1]);

/** A password no one can match: a single-sign-on account has no local password. */
const NO_PASSWORD = '!sso';

export async function signInWithIdToken(props: {
  deps: Infra;
  policy: SsoPolicy;
  claims: Record<string, unknown>;
  requestId: string;
}): Promise<IssuedSession> {
  const { deps, policy, claims, requestId } = props;
  const sso = deps.config.sso!;
  const issuer = String(claims.iss);
  const subject = String(claims.sub);
  const role = roleFromClaims(policy, claims);
  const outcome = await deps.db.dataSource.transaction(async (tx) => {
    const refuse = async (cause: SsoRefusal, userId?: string) => {
      await appendAudit(tx, {
        actor: userId ? { type: 'staff', id: userId } : { type: 'anonymous', id: 'unknown' },
        action: 'auth.login',
        outcome: 'failure',
        requestId,
        details: { cause, method: 'sso' },
      });
      return { refused: cause } as const;
    };
    if (!role) return refuse('sso_no_role', await linkedUserId(tx, issuer, subject));
    const now = deps.now();
    let userId = await linkedUserId(tx, issuer, subject);
    if (userId) await touchIdentity(tx, issuer, subject, now);
    else {
      const email = typeof claims.email === 'string' && claims.email_verified === true ? claims.email : undefined;
      if (!email) return refuse('sso_no_account');
      userId = await userIdByEmail(tx, email);
      const created = !userId && sso.accounts === 'create';
      if (created) {
        const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : email;
        userId = (
          await createStaffUser({
            tx,
            actor: { type: 'system', id: 'sso' },
            requestId,
            input: { email, displayName: name, role, passwordHash: NO_PASSWORD },
          })
        ).id;
      }
      if (!userId) return refuse('sso_no_account');
      await linkIdentity(tx, issuer, subject, userId, now);
      await appendAudit(tx, {
        actor: { type: 'staff', id: userId },
        action: 'sso.link',
        resource: { type: 'StaffUser', id: userId },
        requestId,
        details: { created },
      });
    }
    const locked = await lockUser(tx, userId);
    if (!locked || locked.disabledAt) return refuse('account_disabled', userId);
    if (locked.role !== role) {
      await setRole(tx, userId, role);
      await appendAudit(tx, {
        actor: { type: 'system', id: 'sso' },
        action: 'staff.update',
        resource: { type: 'StaffUser', id: userId },
        requestId,
        details: { role, previousRole: locked.role, source: 'sso' },
      });
    }
    const session = await issue(deps, tx, { id: userId, role: role as Role });
    await appendAudit(tx, {
      actor: { type: 'staff', id: userId },
      action: 'auth.login',
      resource: { type: 'StaffUser', id: userId },
      requestId,
      details: { method: 'sso', role },
    });
    const user = (await findUser(tx, userId))!;
    return { session, user: { id: user.id, email: user.email, displayName: user.displayName, role: user.role } };
  });
  if ('refused' in outcome) throw ssoRefused(outcome.refused);
  return { ...(await signPending(deps, outcome.session)), user: outcome.user };
}

/** A failed exchange on the audit record: openid-client's error code and the claim it concerned, never a token. */
export async function auditSsoFailure(deps: Infra, requestId: string, cause: string, claim?: string): Promise<void> {
  await deps.db.dataSource.transaction((tx) =>
    appendAudit(tx, {
      actor: { type: 'anonymous', id: 'unknown' },
      action: 'auth.login',
      outcome: 'failure',
      requestId,
      details: { method: 'sso', cause, claim: claim ?? null },
    }),
  );
}
