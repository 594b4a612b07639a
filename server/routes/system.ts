// The admin's view of the running system: the model targets as this node sees them, and the
// system's state (server/systemState.ts). Ids, hashes, counts and allow-listed settings: no personal
// data and never a secret, so reading them is not an audited access (like the other admin lists).
import Router from '@koa/router';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import { describeTargets } from '../models/targets.ts';
import type { ModelService } from '../models/service.ts';
import { describeSystem } from '../systemState.ts';
import type { AppState } from './context.ts';
import { packageVersion } from './openapi.ts';

export function systemRoutes(
  deps: Infra,
  models: Pick<ModelService, 'gateway' | 'policy' | 'lastHour'>,
  jobs: { nextRetentionRun: () => Date | null },
) {
  const router = new Router<AppState>();
  const startedAt = deps.now().toISOString();

  router.get('/api/models/targets', staffAuth(deps), authorize(deps, 'read', 'ModelTarget'), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await describeTargets({ models, db: deps.db.dataSource, node: deps.nodeId, now: deps.now().getTime() });
  });

  router.get('/api/system', staffAuth(deps), authorize(deps, 'read', 'System'), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await describeSystem(deps, {
      version: packageVersion(),
      startedAt,
      nextRetentionRun: jobs.nextRetentionRun(),
    });
  });

  return router;
}
