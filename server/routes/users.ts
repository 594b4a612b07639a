import Router from '@koa/router';
import { hashPassword } from '../auth/passwords.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { validationFailed } from '../errors.ts';
import { transaction, txOf } from './transaction.ts';
import { validate } from './validate.ts';
import { CreateStaffUser, StaffUserId, UpdateStaffUser } from '../staff/schemas.ts';
import { createStaffUser, listStaffUsers, presentUser, updateStaffUser } from '../staff/users.ts';

export function userRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/users' });
  const tx = transaction(deps.db.dataSource);
  const actorOf = (state: AppState) => ({ type: 'staff' as const, id: state.staff!.userId });

  router.get('/', staffAuth(deps), authorize(deps, 'read', 'StaffUser'), tx, async (ctx) => {
    const users = await listStaffUsers({ tx: txOf(ctx), actor: actorOf(ctx.state), requestId: ctx.state.requestId });
    ctx.body = { users: users.map(presentUser) };
  });

  router.post('/', staffAuth(deps), authorize(deps, 'create', 'StaffUser'), validate(CreateStaffUser), async (ctx) => {
    const input = ctx.state.input as CreateStaffUser;
    const passwordHash = await hashPassword(input.password, deps.config.auth.bcryptCost);
    const user = await deps.db.dataSource.transaction((t) =>
      createStaffUser({ tx: t, actor: actorOf(ctx.state), requestId: ctx.state.requestId, input: { email: input.email, displayName: input.displayName, role: input.role, passwordHash } }),
    );
    ctx.status = 201;
    ctx.body = { user: presentUser(user) };
  });

  router.patch('/:id', staffAuth(deps), authorize(deps, 'update', 'StaffUser'), validate(UpdateStaffUser), tx, async (ctx) => {
    const id = StaffUserId.safeParse(ctx.params.id);
    if (!id.success) throw validationFailed([{ path: 'id', message: 'must be a user id (uuid)' }]);
    const user = await updateStaffUser({ tx: txOf(ctx), actor: actorOf(ctx.state), requestId: ctx.state.requestId, userId: id.data, change: ctx.state.input as UpdateStaffUser, now: deps.now() });
    ctx.body = { user: presentUser(user) };
  });

  return router;
}
