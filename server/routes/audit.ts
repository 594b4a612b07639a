import { Readable } from 'node:stream';
import Router from '@koa/router';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { EXPORT_FORMATS, exportLines, presentEvent } from '../audit/export.ts';
import { AuditFilter, AuditPage, iterateAudit, queryAudit } from '../audit/query.ts';
import { sealAudit } from '../audit/seal.ts';
import { verifyChain } from '../audit/verify.ts';
import { localWitness } from '../audit/witness.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import type { ModelService } from '../models/service.ts';
import type { AppState } from './context.ts';
import { transaction, txOf } from './transaction.ts';
import { validateQuery } from './validate.ts';

const ExportQuery = AuditFilter.extend({ format: z.enum(EXPORT_FORMATS).default('jsonl') }).strict();
type ExportQuery = z.infer<typeof ExportQuery>;

const countFilters = (q: object) => Object.values(q).filter((v) => v !== undefined).length;

const AUDIT_QUEUE_WAIT_MS = 2_000;

export function auditRoutes(deps: Infra, models: ModelService) {
  const router = new Router<AppState>({ prefix: '/api/audit' });
  const tx = transaction(deps.db.dataSource);
  const actorOf = (state: AppState) => ({ type: 'staff' as const, id: state.staff!.userId });
  // The gateway's model.request records are queued (server/models/auditBatch.ts): a reader waits for
  // what is queued, so a call whose answer has ended is found. A queue that does not settle in time
  // (its database is failing) does not hold the reader: it reads what is committed.
  const witness = localWitness(deps.config.dataDir, deps.secrets.auditCheckpointKey);
  const queuedWritten = async () => void (await models.auditSettled(AUDIT_QUEUE_WAIT_MS));

  router.get(
    '/events',
    staffAuth(deps),
    authorize(deps, 'read', 'AuditLog'),
    validateQuery(AuditPage),
    async (_ctx, next) => (await queuedWritten(), next()),
    tx,
    async (ctx) => {
      const page = ctx.state.query as AuditPage;
      const result = await queryAudit(txOf(ctx), page);
      await appendAudit(txOf(ctx), {
        actor: actorOf(ctx.state),
        action: 'audit.read',
        resource: { type: 'AuditLog' },
        requestId: ctx.state.requestId,
        details: { returned: result.events.length, filters: countFilters(page) },
      });
      ctx.body = { events: result.events.map(presentEvent), nextCursor: result.nextCursor };
    },
  );

  router.get(
    '/export',
    staffAuth(deps),
    authorize(deps, 'export', 'AuditLog'),
    validateQuery(ExportQuery),
    async (ctx) => {
      const { format, ...filter } = ctx.state.query as ExportQuery;
      await queuedWritten();
      // The export is on the record (committed) before the first byte leaves.
      await deps.db.dataSource.transaction((t) =>
        appendAudit(t, {
          actor: actorOf(ctx.state),
          action: 'audit.export',
          resource: { type: 'AuditLog' },
          requestId: ctx.state.requestId,
          details: { format, filters: countFilters(filter) },
        }),
      );
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      ctx.set('Content-Disposition', `attachment; filename="palisade-audit-${stamp}.${format}"`);
      ctx.type = format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
      ctx.body = Readable.from(exportLines(iterateAudit(deps.db.dataSource.manager, filter), format));
    },
  );

  router.get('/verify', staffAuth(deps), authorize(deps, 'verify', 'AuditLog'), async (ctx) => {
    // Write and seal what is pending first (short transactions of their own), so the answer covers every event so far.
    await queuedWritten();
    await sealAudit(deps.db.dataSource);
    const result = await deps.db.dataSource.transaction(async (tx) => {
      const verified = await verifyChain(tx, witness);
      await appendAudit(tx, {
        actor: actorOf(ctx.state),
        action: 'audit.verify',
        resource: { type: 'AuditLog' },
        outcome: verified.ok ? 'success' : 'failure',
        requestId: ctx.state.requestId,
        details: { checked: verified.checked, brokenSeq: verified.firstBroken?.seq ?? null },
      });
      return verified;
    });
    ctx.body = result;
  });

  return router;
}
