// Compliance console API for legal holds (maker-checker) and the retention job.
import Router from '@koa/router';
import { z } from 'zod';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { validationFailed } from '../errors.ts';
import { validate, validateQuery } from './validate.ts';
import { retentionPolicyOf } from '../privacy/jobs.ts';
import {
  approveHold,
  approveLift,
  type HoldStatus,
  listHolds,
  PlaceHold,
  rejectHold,
  requestHold,
  requestLift,
  StaffReason,
} from '../privacy/legalHolds.ts';
import { listRetentionRuns, runRetention } from '../privacy/retention.ts';
import { privacyTransaction } from '../privacy/transaction.ts';
import { appendAudit } from '../audit/append.ts';

const LiftHold = z.strictObject({ reason: StaffReason });
const ListHolds = z.strictObject({
  status: z.enum(['pending', 'active', 'lift_pending', 'lifted', 'rejected']).optional(),
  subjectId: z.string().optional(),
});
const RunRetention = z.strictObject({ dryRun: z.boolean().default(false) });

const holdParam = (v: unknown): string => {
  const parsed = z.uuid().safeParse(v);
  if (!parsed.success) throw validationFailed([{ path: 'id', message: 'is not a valid id' }]);
  return parsed.data;
};

export function privacyHoldRoutes(deps: Infra) {
  const router = new Router<AppState>({ prefix: '/api/privacy' });
  const opts = (state: AppState, action: string) => ({
    actor: { type: 'staff' as const, id: state.staff!.userId },
    requestId: state.requestId,
    action,
  });

  router.post('/holds', staffAuth(deps), authorize(deps, 'create', 'LegalHold'), validate(PlaceHold), async (ctx) => {
    ctx.status = 201;
    ctx.body = {
      hold: await privacyTransaction(deps, opts(ctx.state, 'legal_hold.request'), (p) =>
        requestHold(p, ctx.state.input as PlaceHold),
      ),
    };
  });

  router.get('/holds', staffAuth(deps), authorize(deps, 'read', 'LegalHold'), validateQuery(ListHolds), async (ctx) => {
    const filter = ctx.state.query as { status?: HoldStatus; subjectId?: string };
    ctx.body = {
      holds: await privacyTransaction(deps, opts(ctx.state, 'legal_hold.list'), (p) => listHolds(p, filter)),
    };
  });

  const decisions = { approve: approveHold, reject: rejectHold, 'lift/approve': approveLift } as const;
  for (const [path, decide] of Object.entries(decisions)) {
    router.post(`/holds/:id/${path}`, staffAuth(deps), authorize(deps, 'approve', 'LegalHold'), async (ctx) => {
      const id = holdParam(ctx.params.id);
      ctx.body = {
        hold: await privacyTransaction(deps, opts(ctx.state, `legal_hold.${path.replace('/', '_')}`), (p) =>
          decide(p, id),
        ),
      };
    });
  }

  router.post(
    '/holds/:id/lift',
    staffAuth(deps),
    authorize(deps, 'update', 'LegalHold'),
    validate(LiftHold),
    async (ctx) => {
      const id = holdParam(ctx.params.id);
      const { reason } = ctx.state.input as z.infer<typeof LiftHold>;
      ctx.body = {
        hold: await privacyTransaction(deps, opts(ctx.state, 'legal_hold.lift_request'), (p) =>
          requestLift(p, id, reason),
        ),
      };
    },
  );

  router.get('/retention/runs', staffAuth(deps), authorize(deps, 'read', 'RetentionRun'), async (ctx) => {
    const actor = { type: 'staff' as const, id: ctx.state.staff!.userId };
    ctx.body = {
      runs: await deps.db.dataSource.transaction(async (tx) => {
        const runs = await listRetentionRuns(tx);
        await appendAudit(tx, {
          actor,
          action: 'retention.list',
          resource: { type: 'RetentionRun' },
          requestId: ctx.state.requestId,
          details: { returned: runs.length },
        });
        return runs;
      }),
    };
  });

  router.post(
    '/retention/run',
    staffAuth(deps),
    authorize(deps, 'run', 'RetentionRun'),
    validate(RunRetention),
    async (ctx) => {
      const { dryRun } = ctx.state.input as z.infer<typeof RunRetention>;
      const report = await runRetention(
        { dataSource: deps.db.dataSource, now: deps.now, logger: deps.logger },
        retentionPolicyOf(deps),
        { dryRun, actor: { type: 'staff', id: ctx.state.staff!.userId } },
      );
      ctx.body = { report };
    },
  );

  return router;
}
