import Router from '@koa/router';
import { pingDatabase } from '../db/unavailable.ts';
import type { Infra } from '../infra.ts';
import type { ModelService } from '../models/service.ts';
import type { AppState } from './context.ts';

export function healthRoutes(deps: Infra, models: ModelService, isDraining: () => boolean) {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    if (isDraining()) {
      ctx.status = 503;
      ctx.body = { status: 'draining' };
      return;
    }
    try {
      await pingDatabase(deps.db.dataSource, deps.config.http.readyzTimeoutMs);
      // The database answers, but model calls cannot be put on the record (server/models/auditBatch.ts):
      // this node refuses them, so a load balancer should send its traffic elsewhere.
      if (!models.auditWritable()) {
        ctx.status = 503;
        ctx.body = { status: 'audit_unavailable', database: deps.db.kind };
        return;
      }
      // Requests whose chain fell back since start, by cause (connection_refused, http_503…): counts only.
      ctx.body = { status: 'ready', database: deps.db.kind, fallbacks: models.gateway.fallbacks() };
    } catch {
      ctx.status = 503;
      ctx.body = { status: 'unavailable', database: deps.db.kind };
    }
  });
  return router;
}
