// The supervisor's board (docs/http-api.md, "Supervisor"): the live queue and load, a period's
// figures and their CSV. Counts, codes and durations only: no transcript, no visitor.
import Router from '@koa/router';
import { PeriodQuery } from '../../protocol/supervisor.ts';
import { appendAudit } from '../audit/append.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import { liveBoard, periodStats, resolvePeriod, statsCsv, statsFor } from '../staff/supervisor.ts';
import type { AppState } from './context.ts';
import { validateQuery } from './validate.ts';

export function supervisorRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/supervisor' });
  const read = [staffAuth(deps), authorize(deps, 'read', 'TeamStats')];
  const db = () => deps.db.dataSource.manager;

  router.get('/live', ...read, async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await liveBoard(db(), deps.now());
  });

  router.get('/stats', ...read, validateQuery(PeriodQuery), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await statsFor(db(), ctx.state.query as PeriodQuery, deps.now());
  });

  router.get('/stats.csv', ...read, validateQuery(PeriodQuery), async (ctx) => {
    const { from, to } = resolvePeriod(ctx.state.query as PeriodQuery, deps.now());
    // The file leaves the appliance: on the record, in the transaction that counts it.
    const stats = await deps.db.dataSource.transaction(async (tx) => {
      await appendAudit(tx, {
        actor: { type: 'staff', id: ctx.state.staff!.userId },
        action: 'team_stats.export',
        resource: { type: 'TeamStats' },
        requestId: ctx.state.requestId,
        details: { from: from.toISOString(), to: to.toISOString() },
      });
      return periodStats(tx, from, to);
    });
    const day = (d: Date) => d.toISOString().slice(0, 10);
    ctx.set('Content-Disposition', `attachment; filename="palisade-team-${day(from)}-${day(to)}.csv"`);
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'text/csv; charset=utf-8';
    ctx.body = statsCsv(stats);
  });

  return router;
}
