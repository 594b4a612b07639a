// OpenID Connect single sign-on for staff, as plain browser redirects: /start sends the browser to the
// IdP, /callback takes it back, opens the same cookie session as a password sign-in and redirects to
// the page it started from (a failure: the same page with ?sso_error=<id>). /logout ends the session
// here and, when the IdP offers RP-initiated logout, sends the browser there too.
import Router from '@koa/router';
import * as oidc from 'openid-client';
import { FLOW_COOKIE, FLOW_TTL_SECONDS, openFlow, safeReturnTo, sealFlow } from '../auth/oidc/flow.ts';
import { type RelyingParty, relyingParty } from '../auth/oidc/client.ts';
import { loadSsoPolicy } from '../auth/oidc/policy.ts';
import { auditSsoFailure, signInWithIdToken } from '../auth/oidc/service.ts';
import { ACCESS_COOKIE, REFRESH_COOKIE, staffAuth } from '../auth/staffAuth.ts';
import { AppError } from '../errors.ts';
import type { Infra } from '../infra.ts';
import { logout } from '../staff/sessions.ts';
import type { AppContext, AppState } from './context.ts';
import { setSessionCookies } from './staffSession.ts';
import { transaction, txOf } from './transaction.ts';

const notConfigured = () => new AppError(404, 'sso_not_configured', 'Single sign-on is not configured.');

export function ssoRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/auth/sso' });
  // The policy is checked at start even while single sign-on is off, so a bad file never waits for the day it is turned on.
  const policy = loadSsoPolicy(deps.config.models.policiesDir);
  const sso = deps.config.sso;
  const rp: RelyingParty | undefined = sso ? relyingParty(deps, sso) : undefined;
  const flowCookie = {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.config.auth.cookieSecure,
    path: '/api/auth/sso/callback',
    overwrite: true,
  };

  const fail = (ctx: AppContext, returnTo: string, id: string) => {
    const target = new URL(returnTo, deps.config.publicUrl);
    target.searchParams.set('sso_error', id);
    ctx.status = 303;
    ctx.redirect(target.pathname + target.search);
  };

  router.get('/', (ctx) => {
    ctx.body = {
      enabled: Boolean(sso),
      localPasswords: deps.config.auth.localPasswords,
      startUrl: sso ? '/api/auth/sso/start' : null,
    };
  });

  router.get('/start', async (ctx) => {
    if (!rp) throw notConfigured();
    const flow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      returnTo: safeReturnTo(ctx.query.returnTo),
    };
    const url = await rp.authorizationUrl(flow);
    ctx.cookies.secure = deps.config.auth.cookieSecure;
    ctx.cookies.set(FLOW_COOKIE, await sealFlow(deps, flow), { ...flowCookie, maxAge: FLOW_TTL_SECONDS * 1000 });
    ctx.set('Cache-Control', 'no-store');
    ctx.status = 303;
    ctx.redirect(url.href);
  });

  router.get('/callback', async (ctx) => {
    if (!rp) throw notConfigured();
    const requestId = ctx.state.requestId;
    const flow = await openFlow(deps, ctx.cookies.get(FLOW_COOKIE));
    // One use: the flow's cookie is gone whatever the outcome.
    ctx.cookies.secure = deps.config.auth.cookieSecure;
    ctx.cookies.set(FLOW_COOKIE, null, flowCookie);
    ctx.set('Cache-Control', 'no-store');
    if (!flow) {
      await auditSsoFailure(deps, requestId, 'flow_missing');
      return fail(ctx, '/console/', 'sso_flow_invalid');
    }
    let claims: Record<string, unknown>;
    try {
      const callbackUrl = new URL(sso!.redirectUrl);
      callbackUrl.search = ctx.querystring;
      claims = await rp.exchange(callbackUrl, flow);
    } catch (error) {
      if (error instanceof AppError) return fail(ctx, flow.returnTo, error.id);
      // openid-client wraps oauth4webapi's error, whose cause names the claim that failed its check.
      const e = error as { code?: unknown; error?: unknown; cause?: { claim?: unknown; cause?: { claim?: unknown } } };
      const claim = e.cause?.cause?.claim ?? e.cause?.claim;
      const cause = typeof e.error === 'string' ? e.error : typeof e.code === 'string' ? e.code : 'exchange_failed';
      deps.logger.warn('sso.exchange_failed', { requestId, cause });
      await auditSsoFailure(
        deps,
        requestId,
        cause.replace(/[^A-Za-z0-9_.:-]/g, '_').slice(0, 128),
        typeof claim === 'string' ? claim : undefined,
      );
      return fail(ctx, flow.returnTo, 'sso_failed');
    }
    try {
      const session = await signInWithIdToken({ deps, policy, claims, requestId });
      setSessionCookies(ctx, deps, session);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) return fail(ctx, flow.returnTo, error.id);
      throw error;
    }
    ctx.status = 303;
    ctx.redirect(flow.returnTo);
  });

  // Cookie sessions only send SameSite=Strict cookies from our own pages; staffAuth checks the Origin of a cookie POST.
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
    const idp = rp ? await rp.endSessionUrl().catch(() => undefined) : undefined;
    const redirectTo = idp?.href ?? sso?.postLogoutRedirectUrl ?? '/';
    if (ctx.accepts('html', 'json') === 'json') {
      ctx.body = { redirectTo };
      return;
    }
    ctx.status = 303;
    ctx.redirect(redirectTo);
  });

  return router;
}
