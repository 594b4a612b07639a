// The system's state for the admin: version, database, cluster bus, the audit chain's head and
// last verification, the retention timer and the allow-listed settings. Hashes, counts and
// settings only: no personal data and never a secret.
import type { SystemAnswer } from '../protocol/system.ts';
import { auditStore } from './audit/store.ts';
import { serverVersion } from './db/database.ts';
import type { Infra } from './infra.ts';
import { retentionStore } from './privacy/store/retention.ts';
import { settingsSummary } from './settingsSummary.ts';

const busKind = (config: Infra['config']): SystemAnswer['cluster']['bus'] =>
  config.redis ? 'redis' : config.database.kind === 'postgres' ? 'postgres' : 'process';

export async function describeSystem(
  deps: Pick<Infra, 'db' | 'config' | 'nodeId'>,
  at: { version: string; startedAt: string; nextRetentionRun: Date | null },
): Promise<SystemAnswer> {
  const db = deps.db.dataSource;
  const [head, unsealed, verified, runs, dbVersion] = await Promise.all([
    auditStore.chainHead(db),
    auditStore.unsealedCount(db),
    auditStore.lastVerify(db),
    retentionStore.listRuns(db, 20),
    serverVersion(db),
  ]);
  const lastRun = runs.find((r) => !r.dryRun);
  return {
    version: at.version,
    node: deps.nodeId,
    nodeVersion: process.version,
    startedAt: at.startedAt,
    database: { kind: deps.db.kind, serverVersion: dbVersion },
    cluster: { bus: busKind(deps.config) },
    audit: {
      head: head ?? { seq: '0', hash: '' },
      unsealed,
      lastVerify: verified
        ? {
            at: new Date(verified.at).toISOString(),
            ok: verified.outcome === 'success',
            checked: verified.checked === null ? null : Number(verified.checked),
          }
        : null,
    },
    retention: {
      intervalSeconds: deps.config.privacy.retentionIntervalSeconds,
      nextRunAt: at.nextRetentionRun?.toISOString() ?? null,
      lastRun: lastRun ? { at: new Date(lastRun.startedAt).toISOString(), status: lastRun.status } : null,
    },
    settings: settingsSummary(deps.config),
  };
}
