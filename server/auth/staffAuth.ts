import type { Middleware } from 'koa';
import type { Infra } from '../infra.ts';
import { appendAudit } from '../audit/append.ts';
import type { AppState } from '../routes/context.ts';
import { AppError, forbidden, unauthenticated } from '../errors.ts';
import { type Action, type Resource, can } from './rules.ts';
import { liveSessionRole } from '../staff/sessions.ts';
import { verifyAccessToken } from './tokens.ts';

export const ACCESS_COOKIE = 'palisade_at';
export const REFRESH_COOKIE = 'palisade_rt';

/**
 * Cookie-authenticated writes must come from our own pages (SameSite=Strict is the first wall).
 * Koa 3's ctx.origin echoes the Origin header, so our own origin is built from protocol + host.
 */
export function assertSameOrigin(
  ctx: { method: string; protocol: string; host: string; get(name: string): string },
  deps: Infra,
): void {
  if (['GET', 'HEAD', 'OPTIONS'].includes(ctx.method)) return;
  const origin = ctx.get('Origin');
  if (origin && origin !== new URL(deps.config.publicUrl).origin && origin !== `${ctx.protocol}://${ctx.host}`) {
    throw new AppError(403, 'csrf_rejected', 'Cross-site request refused.');
  }
}

/**
 * Checks the access token (Bearer header or the console's httpOnly cookie) AND the live session row,
 * so sign-out, disabling a user and role changes take effect on the very next request.
 */
export function staffAuth(deps: Infra): Middleware<AppState> {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const bearer = /^Bearer (.+)$/i.exec(header)?.[1]?.trim();
    const cookie = bearer ? undefined : ctx.cookies.get(ACCESS_COOKIE);
    const token = bearer ?? cookie;
    if (!token) throw unauthenticated();
    if (!bearer) assertSameOrigin(ctx, deps);
    const claims = await verifyAccessToken(deps.secrets.jwtKey, token);
    if (!claims)
      throw unauthenticated('token_invalid', 'The access token is invalid or expired; sign in again or refresh.');
    const role = await liveSessionRole(deps.db.dataSource, claims, deps.now());
    if (!role) throw unauthenticated('session_revoked', 'This session has ended; sign in again.');
    ctx.state.staff = { userId: claims.userId, sessionId: claims.sessionId, role, via: bearer ? 'bearer' : 'cookie' };
    await next();
  };
}

/** One-line authorization before the handler runs; a denial is itself on the audit record. */
export function authorize(deps: Infra, action: Action, resource: Resource): Middleware<AppState> {
  return async (ctx, next) => {
    const staff = ctx.state.staff;
    if (!staff) throw unauthenticated();
    if (!can(staff.role, action, resource)) {
      await deps.db.dataSource.transaction((tx) =>
        appendAudit(tx, {
          actor: { type: 'staff', id: staff.userId },
          action: 'access.denied',
          resource: { type: resource },
          outcome: 'denied',
          requestId: ctx.state.requestId,
          details: { attempted: action, role: staff.role },
        }),
      );
      throw forbidden();
    }
    await next();
  };
}
