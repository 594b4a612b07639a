// The admin's view of the running system: the model targets as this node sees them, and the
// system's state (version, database, audit chain, retention, cluster bus, settings from an
// allow-list). Ids, hashes, counts and settings: no personal data and never a secret, so reading
// them is not an audited access (like the other admin lists).
import Router from '@koa/router';
import type { SystemAnswer } from '../../protocol/system.ts';
import { auditStore } from '../audit/store.ts';
import { authorize, staffAuth } from '../auth/staffAuth.ts';
import type { Infra } from '../infra.ts';
import { describeTargets } from '../models/targets.ts';
import type { ModelService } from '../models/service.ts';
import { retentionStore } from '../privacy/store/retention.ts';
import { settingsSummary } from '../settingsSummary.ts';
import type { AppState } from './context.ts';
import { packageVersion } from './openapi.ts';

const busKind = (config: Infra['config']): SystemAnswer['cluster']['bus'] => (config.redis ? 'redis' : config.database.kind === 'postgres' ? 'postgres' : 'process');

async function serverVersion(db: Infra['db']['dataSource']): Promise<string | null> {
  const rows = (await db.query(`SHOW server_version`).catch(() => [])) as { server_version?: string }[];
  return rows[0]?.server_version ?? null;
}

export function systemRoutes(deps: Infra, models: Pick<ModelService, 'gateway' | 'policy' | 'lastHour'>, jobs: { nextRetentionRun: () => Date | null }) {
  const router = new Router<AppState>();
  const startedAt = deps.now().toISOString();
  const db = deps.db.dataSource;

  router.get('/api/models/targets', staffAuth(deps), authorize(deps, 'read', 'ModelTarget'), async (ctx) => {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = await describeTargets({ models, db, node: deps.nodeId, now: deps.now().getTime() });
  });

  router.get('/api/system', staffAuth(deps), authorize(deps, 'read', 'System'), async (ctx) => {
    const [head, unsealed, verified, runs, version] = await Promise.all([
      auditStore.chainHead(db),
      auditStore.unsealedCount(db),
      auditStore.lastVerify(db),
      retentionStore.listRuns(db, 20),
      serverVersion(db),
    ]);
    const lastRun = runs.find((r) => !r.dryRun);
    const body: SystemAnswer = {
      version: packageVersion(),
      node: deps.nodeId,
      nodeVersion: process.version,
      startedAt,
      database: { kind: deps.db.kind, serverVersion: version },
      cluster: { bus: busKind(deps.config) },
      audit: {
        head: head ?? { seq: '0', hash: '' },
        unsealed,
        lastVerify: verified ? { at: new Date(verified.at).toISOString(), ok: verified.outcome === 'success', checked: verified.checked === null ? null : Number(verified.checked) } : null,
      },
      retention: {
        intervalSeconds: deps.config.privacy.retentionIntervalSeconds,
        nextRunAt: jobs.nextRetentionRun()?.toISOString() ?? null,
        lastRun: lastRun ? { at: new Date(lastRun.startedAt).toISOString(), status: lastRun.status } : null,
      },
      settings: settingsSummary(deps.config),
    };
    ctx.set('Cache-Control', 'no-store');
    ctx.body = body;
  });

  return router;
}
