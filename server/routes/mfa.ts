// The TOTP second factor: enrolment, the second sign-in step, status, an administrator's reset.
// Enrolment and confirmation take either a signed-in session or the enrolment challenge that a
// password sign-in answers for a role that requires a second factor not yet set up.
import Router from '@koa/router';
import { loginThrottle } from '../auth/loginThrottle.ts';
import { MfaConfirm, MfaEnrol, MfaVerify } from '../auth/mfa/schemas.ts';
import { beginEnrolment, mfaStatus, readChallenge, resetMfa, secondFactor } from '../auth/mfa/service.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import { validationFailed } from '../errors.ts';
import type { Infra } from '../infra.ts';
import { StaffUserId } from '../staff/schemas.ts';
import type { AppContext, AppState } from './context.ts';
import { respondWithSession } from './staffSession.ts';
import { transaction, txOf } from './transaction.ts';
import { validate } from './validate.ts';

export function mfaRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/auth/mfa' });
  const signedIn = staffAuth(deps);
  // Second-factor attempts count per source address and per account, apart from password attempts.
  const throttle = loginThrottle(deps);

  /** The user an enrolment is for: the challenge's, or the signed-in session's. */
  const enrollingUser = async (ctx: AppContext, challenge: string | undefined): Promise<string> => {
    if (challenge) return readChallenge(deps, challenge, 'enrol');
    await signedIn(ctx, async () => {});
    return ctx.state.staff!.userId;
  };

  router.get('/', signedIn, authorize(deps, 'read', 'OwnAccount'), async (ctx) => {
    const staff = ctx.state.staff!;
    ctx.body = await mfaStatus({ deps, tx: deps.db.dataSource.manager, userId: staff.userId, role: staff.role });
  });

  router.post('/enrol', validate(MfaEnrol), async (ctx) => {
    const input = ctx.state.input as MfaEnrol;
    const userId = await enrollingUser(ctx, input.challenge);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await deps.db.dataSource.transaction((tx) =>
      beginEnrolment({ deps, tx, userId, requestId: ctx.state.requestId }),
    );
  });

  router.post('/confirm', validate(MfaConfirm), async (ctx) => {
    const input = ctx.state.input as MfaConfirm;
    const requestId = ctx.state.requestId;
    const userId = await enrollingUser(ctx, input.challenge);
    if (!input.challenge) {
      await secondFactor({ deps, userId, proof: { code: input.code }, step: 'confirm', requestId });
      ctx.body = { enrolled: true };
      return;
    }
    const admission = await throttle.admit({ ip: ctx.ip, email: `mfa:${userId}`, requestId });
    const session = (await secondFactor({ deps, userId, proof: { code: input.code }, step: 'enrol', requestId }))!;
    await admission.release(true);
    respondWithSession(ctx, deps, session, input.mode);
  });

  router.post('/verify', validate(MfaVerify), async (ctx) => {
    const input = ctx.state.input as MfaVerify;
    const requestId = ctx.state.requestId;
    const userId = await readChallenge(deps, input.challenge, 'verify');
    const admission = await throttle.admit({ ip: ctx.ip, email: `mfa:${userId}`, requestId });
    const proof = input.code !== undefined ? { code: input.code } : { recoveryCode: input.recoveryCode! };
    const session = (await secondFactor({ deps, userId, proof, step: 'verify', requestId }))!;
    await admission.release(true);
    respondWithSession(ctx, deps, session, input.mode);
  });

  router.delete(
    '/users/:id',
    signedIn,
    authorize(deps, 'update', 'StaffUser'),
    transaction(deps.db.dataSource),
    async (ctx) => {
      const id = StaffUserId.safeParse(ctx.params.id);
      if (!id.success) throw validationFailed([{ path: 'id', message: 'must be a user id (uuid)' }]);
      await resetMfa({
        tx: txOf(ctx),
        actor: { type: 'staff', id: ctx.state.staff!.userId },
        userId: id.data,
        requestId: ctx.state.requestId,
      });
      ctx.status = 204;
    },
  );

  return router;
}
