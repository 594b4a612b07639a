import type { Middleware } from 'koa';
import { isDatabaseUnavailable } from '../../db/unavailable.ts';
import type { Logger } from '../../logger.ts';
import { openAiErrorType } from '../../openaiErrorType.ts';
import { AppError, databaseUnavailable, internalError, notFound } from '../../errors.ts';

/** Mounted first: every failure becomes `{ error: { id, message, requestId } }` with a stable id. */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw notFound('route');
      if (ctx.status === 405 && ctx.body === undefined)
        throw new AppError(405, 'method_not_allowed', `${ctx.method} is not allowed here.`);
    } catch (err) {
      let appError: AppError;
      if (err instanceof AppError) appError = err;
      else if (isDatabaseUnavailable(err)) {
        appError = databaseUnavailable();
        logger.warn('db.unavailable', { requestId: ctx.state.requestId as string, error: err });
      } else {
        appError = internalError();
        logger.error('http.unhandled', {
          requestId: ctx.state.requestId as string,
          error: err,
          stack: err instanceof Error ? err.stack?.split('\n').slice(0, 6).join(' | ') : undefined,
        });
      }
      ctx.status = appError.status;
      for (const [k, v] of Object.entries(appError.headers ?? {})) ctx.set(k, v);
      ctx.body = {
        error: {
          id: appError.id,
          message: appError.message,
          ...(appError.issues ? { issues: appError.issues } : {}),
          requestId: ctx.state.requestId as string,
          // OpenAI's error fields too on its API, where callers use OpenAI's clients (they read
          // `code`, `type` and `param`): OpenAI's type for the status, the stable id as the code.
          ...(ctx.path.startsWith('/v1/')
            ? { type: openAiErrorType(appError.status), code: appError.id, param: appError.issues?.[0]?.path ?? null }
            : {}),
        },
      };
    } finally {
      // The route template, not the URL: paths and query strings can carry tokens or personal data.
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      const logRequest = () =>
        logger.info('http.request', {
          requestId: ctx.state.requestId as string,
          method: ctx.method,
          route: typeof route === 'string' ? route : 'unmatched',
          status: ctx.status,
          ms: Math.round(performance.now() - started),
        });
      // A response still being written (see AppState.streamed) is logged at its end, not held here.
      const streamed = (ctx.state as { streamed?: Promise<void> }).streamed;
      if (!streamed) logRequest();
      else
        streamed.then(logRequest, (err: unknown) => {
          logger.error('http.unhandled', {
            requestId: ctx.state.requestId as string,
            error: err,
            stack: err instanceof Error ? err.stack?.split('\n').slice(0, 6).join(' | ') : undefined,
          });
          logRequest();
        });
    }
  };
}
