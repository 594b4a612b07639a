// GET /metrics on the public port: only when a metrics token is set (METRICS_TOKEN_FILE), and only
// to a caller bearing it. Without a token, the metrics are served on METRICS_LISTEN alone.
import Router from '@koa/router';
import { bearerMatches } from '../metrics/access.ts';
import type { Metrics } from '../metrics/registry.ts';
import { unauthenticated } from '../errors.ts';
import type { AppState } from './context.ts';

export function metricsRoutes(metrics: Metrics, token: string | undefined) {
  const router = new Router<AppState>();
  if (token === undefined) return router;
  router.get('/metrics', async (ctx) => {
    if (!bearerMatches(ctx.get('authorization') || undefined, token)) {
      ctx.set('WWW-Authenticate', 'Bearer');
      throw unauthenticated('unauthenticated', 'The metrics need their bearer token.');
    }
    ctx.set('Cache-Control', 'no-store');
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  });
  return router;
}
