// HTTP requests by route template (the matched @koa/router layer, never the path: paths carry ids
// and tokens), method and status. Mounted outside the error handler, so it sees the final status.
import type { Middleware } from 'koa';
import type { Metrics } from './registry.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function httpMetrics(m: Metrics): Middleware {
  return async (ctx, next) => {
    const end = m.http.requests.startTimer();
    const observe = () => {
      const route = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      end({
        method: METHODS.has(ctx.method) ? ctx.method : 'OTHER',
        route: typeof route === 'string' ? route : 'unmatched',
        status: String(ctx.status),
      });
    };
    try {
      await next();
    } finally {
      // A response still being written (a streamed answer) is measured to its end.
      const streamed = (ctx.state as { streamed?: Promise<void> }).streamed;
      if (streamed) streamed.then(observe, observe);
      else observe();
    }
  };
}
