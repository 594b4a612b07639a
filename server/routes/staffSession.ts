// How a new staff session reaches the client, the same for every way of signing in (password,
// second factor, single sign-on): httpOnly cookies for the console, or tokens in the body.
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { IssuedSession } from '../staff/sessions.ts';
import type { AppContext } from './context.ts';

export type SessionTokens = Omit<IssuedSession, 'user'>;

export function setSessionCookies(ctx: AppContext, deps: Infra, s: SessionTokens): void {
  const cookieOpts = (expires: Date, path: string) => ({
    httpOnly: true,
    sameSite: 'strict' as const,
    secure: deps.config.auth.cookieSecure,
    path,
    expires,
    overwrite: true,
  });
  ctx.cookies.secure = deps.config.auth.cookieSecure; // behind a TLS proxy the socket itself is plain
  ctx.cookies.set(ACCESS_COOKIE, s.accessToken, cookieOpts(s.accessExpiresAt, '/'));
  ctx.cookies.set(REFRESH_COOKIE, s.refreshToken, cookieOpts(s.refreshExpiresAt, '/api/auth'));
}

export const tokenBody = (s: SessionTokens) => ({
  accessToken: s.accessToken,
  accessExpiresAt: s.accessExpiresAt.toISOString(),
  refreshToken: s.refreshToken,
  refreshExpiresAt: s.refreshExpiresAt.toISOString(),
  tokenType: 'Bearer',
});

/** The sign-in response: cookies and the user, or the user and the tokens. */
export function respondWithSession(
  ctx: AppContext,
  deps: Infra,
  session: IssuedSession,
  mode: 'cookie' | 'bearer',
): void {
  if (mode === 'cookie') {
    setSessionCookies(ctx, deps, session);
    ctx.body = { user: session.user, accessExpiresAt: session.accessExpiresAt.toISOString() };
  } else {
    ctx.body = { user: session.user, ...tokenBody(session) };
  }
}
