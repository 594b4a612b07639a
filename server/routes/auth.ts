import Router from '@koa/router';
import { loginThrottle } from '../auth/loginThrottle.ts';
import { issueChallenge, secondStepFor } from '../auth/mfa/service.ts';
import { capabilitiesOf } from '../auth/rules.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE, assertSameOrigin, authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { AppError, unauthenticated } from '../errors.ts';
import { respondWithSession, setSessionCookies as setCookies, tokenBody } from './staffSession.ts';
import { transaction, txOf } from './transaction.ts';
import { validate } from './validate.ts';
import { Login, Refresh } from '../staff/schemas.ts';
import { login, logout, refresh } from '../staff/sessions.ts';
import { getUser, presentUser } from '../staff/users.ts';

export function authRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/auth' });
  const throttle = loginThrottle(deps);
  router.post('/login', validate(Login), async (ctx) => {
    if (!deps.config.auth.localPasswords)
      throw new AppError(
        403,
        'password_login_disabled',
        'Password sign-in is turned off; sign in through single sign-on.',
      );
    const input = ctx.state.input as Login;
    const requestId = ctx.state.requestId;
    const admission = await throttle.admit({ ip: ctx.ip, email: input.email, requestId });
    const gate = <T>(work: () => Promise<T>) => throttle.check(admission, requestId, work);
    const secondStep = secondStepFor(deps);
    const result = await login({ deps, email: input.email, password: input.password, requestId, gate, secondStep });
    await admission.release(true);
    // A right password for an account with a second factor (or one its role requires): a challenge, no session yet.
    if ('held' in result) ctx.body = { mfa: await issueChallenge(deps, result.userId, result.held) };
    else respondWithSession(ctx, deps, result, input.mode);
  });

  router.post('/refresh', validate(Refresh), async (ctx) => {
    const input = ctx.state.input as Refresh;
    const fromCookie = ctx.cookies.get(REFRESH_COOKIE);
    const token = input.refreshToken ?? fromCookie;
    if (!token) throw unauthenticated('refresh_invalid', 'No refresh token given.');
    if (!input.refreshToken) assertSameOrigin(ctx, deps);
    const session = await refresh({ deps, refreshToken: token, requestId: ctx.state.requestId });
    if (input.refreshToken) ctx.body = tokenBody(session);
    else {
      setCookies(ctx, deps, session);
      ctx.body = { accessExpiresAt: session.accessExpiresAt.toISOString() };
    }
  });

  router.post('/logout', staffAuth(deps), transaction(deps.db.dataSource), async (ctx) => {
    const staff = ctx.state.staff!;
    await logout({
      tx: txOf(ctx),
      deps,
      userId: staff.userId,
      sessionId: staff.sessionId,
      requestId: ctx.state.requestId,
    });
    ctx.cookies.set(ACCESS_COOKIE, null, { path: '/' });
    ctx.cookies.set(REFRESH_COOKIE, null, { path: '/api/auth' });
    ctx.status = 204;
  });

  router.get('/me', staffAuth(deps), authorize(deps, 'read', 'OwnAccount'), async (ctx) => {
    const staff = ctx.state.staff!;
    const row = await getUser(deps.db.dataSource, staff.userId);
    if (!row) throw unauthenticated('session_revoked', 'This session has ended; sign in again.');
    ctx.body = { user: presentUser(row), capabilities: capabilitiesOf(row.role) };
  });

  return router;
}
