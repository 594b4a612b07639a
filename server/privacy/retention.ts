// The retention job: deletes what policies/retention.yaml says has expired, in batches, one audit
// event per batch with counts. Runs once across nodes: a run is claimed under an advisory lock
// (pg_try_advisory_xact_lock) and each batch takes the same lock, so two nodes never delete side by
// side. Nothing a legal hold covers is deleted. The clock is injected (deps.now) so tests move it.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import type { Logger } from '../logger.ts';
import { changedRows, type PrivacyActor } from './context.ts';
import { holdCovers } from './legalHolds.ts';
import { DELETABLE, type DeletableCategory, type RetentionPolicy } from './retentionPolicy.ts';

const RETENTION_LOCK = 727173;
/** Attachments before messages (a message waits for its attachments); conversations last, once empty. */
const RUN_ORDER: readonly DeletableCategory[] = ['attachments', 'messages', 'vault_mappings', 'consent_records', 'conversations'];
/** A run that has not finished after this long is taken for dead (its node crashed). */
const STALE_RUN_MS = 60 * 60 * 1000;

/** Per category: the table, its key, and the rows that have expired ($1 now, $2 class durations, $3 default ms). */
const cutoff = (column: string) => `${column} < $1::timestamptz - make_interval(secs => COALESCE((($2::jsonb) ->> c.retention_class)::bigint, $3::bigint) / 1000.0)`;
const notHeld = `NOT ${holdCovers({ subject: 'c.subject_id', conversation: 'c.id' }, '$1')}`;
const EXPIRED: Record<DeletableCategory, { table: string; key: string; select: string }> = {
  attachments: { table: 'attachments', key: 'id', select: `SELECT a.id FROM attachments a JOIN conversations c ON c.id = a.conversation_id WHERE ${cutoff('a.created_at')} AND ${notHeld}` },
  // A message stays while an attachment still points at it.
  messages: {
    table: 'messages', key: 'id',
    select: `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE ${cutoff('m.created_at')} AND ${notHeld} AND NOT EXISTS (SELECT 1 FROM attachments x WHERE x.message_id = m.id)`,
  },
  vault_mappings: { table: 'conversation_vaults', key: 'conversation_id', select: `SELECT v.conversation_id FROM conversation_vaults v JOIN conversations c ON c.id = v.conversation_id WHERE ${cutoff('v.updated_at')} AND ${notHeld}` },
  consent_records: {
    table: 'consent_records', key: 'id',
    select: `SELECT r.id FROM consent_records r WHERE r.recorded_at < $1::timestamptz - make_interval(secs => $3::bigint / 1000.0) AND $2::jsonb IS NOT NULL AND NOT ${holdCovers({ subject: 'r.subject_id' }, '$1')}`,
  },
  // A closed conversation goes once nothing is left in it.
  conversations: {
    table: 'conversations', key: 'id',
    select: `SELECT c.id FROM conversations c WHERE c.closed_at IS NOT NULL AND ${cutoff('c.closed_at')} AND ${notHeld}
      AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.conversation_id = c.id) AND NOT EXISTS (SELECT 1 FROM attachments x WHERE x.conversation_id = c.id)
      AND NOT EXISTS (SELECT 1 FROM conversation_vaults x WHERE x.conversation_id = c.id)`,
  },
};

function params(policy: RetentionPolicy, category: DeletableCategory, now: Date): unknown[] {
  const byClass: Record<string, number> = {};
  if (category !== 'consent_records') {
    for (const [name, overrides] of Object.entries(policy.classes)) {
      const ms = overrides[category];
      if (ms !== undefined) byClass[name] = ms;
    }
  }
  return [now, JSON.stringify(byClass), policy.categories[category]];
}

export interface RetentionRunner {
  dataSource: DataSource;
  now: () => Date;
  logger?: Logger;
}

export interface RetentionReport {
  runId: string | null;
  status: 'done' | 'skipped';
  dryRun: boolean;
  policyHash: string;
  /** rows deleted (or, in a dry run, that would be) per category */
  counts: Record<DeletableCategory, number>;
  batches: number;
}

const tryLock = async (tx: EntityManager) => ((await tx.query(`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS ok`)) as { ok: boolean }[])[0]?.ok === true;

export async function runRetention(runner: RetentionRunner, policy: RetentionPolicy, opts: { dryRun?: boolean; actor?: PrivacyActor } = {}): Promise<RetentionReport> {
  const actor = opts.actor ?? { type: 'system', id: 'retention' };
  const dryRun = opts.dryRun ?? false;
  const counts = Object.fromEntries(DELETABLE.map((c) => [c, 0])) as Record<DeletableCategory, number>;
  const report: RetentionReport = { runId: null, status: 'skipped', dryRun, policyHash: policy.hash, counts, batches: 0 };
  const now = runner.now();

  const runId = await runner.dataSource.transaction(async (tx) => {
    if (!(await tryLock(tx))) return null;
    await tx.query(`UPDATE retention_runs SET status = 'failed', finished_at = $1 WHERE status = 'running' AND started_at < $2`, [now, new Date(now.getTime() - STALE_RUN_MS)]);
    const [busy] = (await tx.query(`SELECT id FROM retention_runs WHERE status = 'running' AND NOT dry_run LIMIT 1`)) as unknown[];
    if (busy && !dryRun) return null;
    const id = randomUUID();
    await tx.query(`INSERT INTO retention_runs (id, started_at, dry_run, status, policy_hash, actor) VALUES ($1, $2, $3, 'running', $4, $5)`, [id, now, dryRun, policy.hash, `${actor.type}:${actor.id}`]);
    await appendAudit(tx, { actor, action: dryRun ? 'retention.dry_run' : 'retention.start', resource: { type: 'RetentionRun', id }, details: { policyHash: policy.hash } });
    if (dryRun) {
      for (const category of DELETABLE) {
        const [row] = (await tx.query(`SELECT count(*)::int AS n FROM (${EXPIRED[category].select}) x`, params(policy, category, now))) as { n: number }[];
        counts[category] = row?.n ?? 0;
      }
    }
    return id;
  });
  if (!runId) {
    runner.logger?.info('retention.skipped', { cause: 'another_run' });
    return report;
  }
  report.runId = runId;

  if (!dryRun) {
    for (const category of RUN_ORDER) {
      const { table, key, select } = EXPIRED[category];
      for (;;) {
        const rows = await runner.dataSource.transaction(async (tx) => {
          await tx.query(`SELECT pg_advisory_xact_lock(${RETENTION_LOCK})`);
          const n = changedRows(await tx.query(`DELETE FROM ${table} WHERE ${key} IN (${select} LIMIT ${policy.batchSize})`, params(policy, category, now)));
          if (n > 0) {
            await tx.query(`UPDATE retention_runs SET counts = jsonb_set(counts, $2::text[], to_jsonb(COALESCE((counts ->> $3)::int, 0) + $4::int)) WHERE id = $1`, [runId, `{${category}}`, category, n]);
            await appendAudit(tx, { actor, action: 'retention.delete', resource: { type: 'RetentionRun', id: runId }, details: { category, rows: n } });
          }
          return n;
        });
        counts[category] += rows;
        if (rows > 0) report.batches += 1;
        if (rows < policy.batchSize) break;
      }
    }
  }

  await runner.dataSource.transaction(async (tx) => {
    await tx.query(`UPDATE retention_runs SET status = 'done', finished_at = $2, counts = $3 WHERE id = $1`, [runId, runner.now(), JSON.stringify(counts)]);
    await appendAudit(tx, { actor, action: 'retention.finish', resource: { type: 'RetentionRun', id: runId }, details: { ...counts, dryRun, batches: report.batches } });
  });
  runner.logger?.info('retention.finished', { runId, dryRun, batches: report.batches, ...counts });
  report.status = 'done';
  return report;
}

export interface RetentionRunRow {
  id: string;
  startedAt: Date;
  finishedAt: Date | null;
  dryRun: boolean;
  status: string;
  policyHash: string;
  counts: Record<string, number>;
  actor: string;
}

export async function listRetentionRuns(tx: EntityManager, limit = 100): Promise<RetentionRunRow[]> {
  return (await tx.query(
    `SELECT id, started_at AS "startedAt", finished_at AS "finishedAt", dry_run AS "dryRun", status, policy_hash AS "policyHash", counts, actor
       FROM retention_runs ORDER BY started_at DESC, id LIMIT $1`,
    [limit],
  )) as RetentionRunRow[];
}
