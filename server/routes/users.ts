import Router from '@koa/router';
import { hashPassword } from '../auth/passwords.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { validationFailed } from '../errors.ts';
import { transaction, txOf } from './transaction.ts';
import { validate } from './validate.ts';
import { randomBytes } from 'node:crypto';
import { issuePasswordLink } from '../staff/passwordLinks.ts';
import { resetSecondFactor } from '../staff/mfaReset.ts';
import { CreateStaffUser, MfaReset, PasswordLinkRequest, StaffUserId, UpdateStaffUser } from '../staff/schemas.ts';
import { createStaffUser, listStaffUsers, presentUser, updateStaffUser } from '../staff/users.ts';

export function userRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/users' });
  const tx = transaction(deps.db.dataSource);
  const actorOf = (state: AppState) => ({ type: 'staff' as const, id: state.staff!.userId });

  router.get('/', staffAuth(deps), authorize(deps, 'read', 'StaffUser'), tx, async (ctx) => {
    const users = await listStaffUsers({ tx: txOf(ctx), actor: actorOf(ctx.state), requestId: ctx.state.requestId });
    ctx.body = {
      users: users.map((u) => ({ ...presentUser(u), mfa: u.mfa, lastSignInAt: u.lastSignInAt?.toISOString() ?? null })),
    };
  });

  const linkProps = (ctx: { state: AppState }) => ({
    actor: actorOf(ctx.state),
    requestId: ctx.state.requestId,
    now: deps.now(),
    ttlSeconds: deps.config.auth.setupTokenTtlSeconds,
    publicUrl: deps.config.publicUrl,
  });

  router.post('/', staffAuth(deps), authorize(deps, 'create', 'StaffUser'), validate(CreateStaffUser), async (ctx) => {
    const input = ctx.state.input as CreateStaffUser;
    // An invited account gets a password nobody knows until its link is used.
    const passwordHash = await hashPassword(
      input.password ?? randomBytes(32).toString('base64url'),
      deps.config.auth.bcryptCost,
    );
    const { user, invitation } = await deps.db.dataSource.transaction(async (t) => {
      const created = await createStaffUser({
        tx: t,
        actor: actorOf(ctx.state),
        requestId: ctx.state.requestId,
        input: { email: input.email, displayName: input.displayName, role: input.role, passwordHash },
      });
      const link = input.invite
        ? await issuePasswordLink({ tx: t, ...linkProps(ctx), userId: created.id, purpose: 'invite' })
        : undefined;
      return { user: created, invitation: link };
    });
    ctx.status = 201;
    if (invitation) ctx.set('Cache-Control', 'no-store');
    ctx.body = {
      user: presentUser(user),
      ...(invitation ? { invitation: { link: invitation.link, expiresAt: invitation.expiresAt } } : {}),
    };
  });

  router.post(
    '/:id/password-link',
    staffAuth(deps),
    authorize(deps, 'update', 'StaffUser'),
    validate(PasswordLinkRequest),
    tx,
    async (ctx) => {
      const id = StaffUserId.safeParse(ctx.params.id);
      if (!id.success) throw validationFailed([{ path: 'id', message: 'must be a user id (uuid)' }]);
      const link = await issuePasswordLink({ tx: txOf(ctx), ...linkProps(ctx), userId: id.data, purpose: 'reset' });
      ctx.status = 201;
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { link: link.link, expiresAt: link.expiresAt };
    },
  );

  // Another account's second factor (a lost phone): removed with its sessions, the reason audited.
  router.post(
    '/:id/mfa/reset',
    staffAuth(deps),
    authorize(deps, 'update', 'StaffUser'),
    validate(MfaReset),
    tx,
    async (ctx) => {
      const id = StaffUserId.safeParse(ctx.params.id);
      if (!id.success) throw validationFailed([{ path: 'id', message: 'must be a user id (uuid)' }]);
      const { user, sessionsRevoked } = await resetSecondFactor({
        tx: txOf(ctx),
        actor: actorOf(ctx.state),
        requestId: ctx.state.requestId,
        userId: id.data,
        reason: (ctx.state.input as MfaReset).reason,
        now: deps.now(),
      });
      ctx.body = {
        user: { ...presentUser(user), mfa: user.mfa, lastSignInAt: user.lastSignInAt?.toISOString() ?? null },
        sessionsRevoked,
      };
    },
  );

  router.patch(
    '/:id',
    staffAuth(deps),
    authorize(deps, 'update', 'StaffUser'),
    validate(UpdateStaffUser),
    tx,
    async (ctx) => {
      const id = StaffUserId.safeParse(ctx.params.id);
      if (!id.success) throw validationFailed([{ path: 'id', message: 'must be a user id (uuid)' }]);
      const user = await updateStaffUser({
        tx: txOf(ctx),
        actor: actorOf(ctx.state),
        requestId: ctx.state.requestId,
        userId: id.data,
        change: ctx.state.input as UpdateStaffUser,
        now: deps.now(),
      });
      ctx.body = { user: presentUser(user) };
    },
  );

  return router;
}
