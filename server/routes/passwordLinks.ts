// A staff member sets their own password with a one-time link from an admin (an invitation or a
// reset; see server/staff/passwordLinks.ts). The token is the credential: no session is needed.
import Router from '@koa/router';
import { hashPassword } from '../auth/passwords.ts';
import type { Infra } from '../infra.ts';
import { invalidPasswordLink, passwordLinkLooksValid, usePasswordLink } from '../staff/passwordLinks.ts';
import { UsePasswordLink } from '../staff/schemas.ts';
import { presentUser } from '../staff/users.ts';
import type { AppState } from './context.ts';
import { validate } from './validate.ts';

export function passwordLinkRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/auth' });

  router.post('/password', validate(UsePasswordLink), async (ctx) => {
    const input = ctx.state.input as UsePasswordLink;
    if (!(await passwordLinkLooksValid(deps.db.dataSource, input.token, deps.now()))) throw invalidPasswordLink();
    const passwordHash = await hashPassword(input.password, deps.config.auth.bcryptCost);
    const user = await deps.db.dataSource.transaction((tx) =>
      usePasswordLink({ tx, token: input.token, passwordHash, now: deps.now(), requestId: ctx.state.requestId }),
    );
    ctx.body = { user: presentUser(user) };
  });

  return router;
}
