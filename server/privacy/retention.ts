// The retention job: deletes what policies/retention.yaml says has expired, in batches, one audit
// event per batch with counts. Knowledge-base feedback (per-answer votes, and the redacted visitor
// questions kept for editors) goes after kb_feedback. The audit log keeps verifying after old events
// go: the job first records a checkpoint (chain position and hash) at the newest event of the expired,
// sealed prefix of the chain, then deletes up to it with palisade.audit_retention set for the
// transaction (the only delete the database lets through); verification starts at the checkpoint. Runs once across nodes: a run is claimed under an advisory lock
// (pg_try_advisory_xact_lock) and each batch takes the same lock, so two nodes never delete side by
// side. Nothing a legal hold covers is deleted. The clock is injected (deps.now) so tests move it.
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { appendAudit } from '../audit/append.ts';
import type { Logger } from '../logger.ts';
import type { PrivacyActor } from './context.ts';
import type { DeletableCategory, RetentionPolicy } from './retentionPolicy.ts';
import {
  type ExpiryParams,
  RETENTION_COUNTS,
  type RetentionCount,
  type RetentionRunRow,
  retentionStore,
  type TableStep,
} from './store/retention.ts';

export { RETENTION_COUNTS, type RetentionCount, type RetentionRunRow };

/** Attachments before messages (a message waits for its attachments); conversations last, once empty. */
const RUN_ORDER: readonly TableStep[] = [
  'attachments',
  'messages',
  'vault_mappings',
  'consent_records',
  'conversations',
  'kb_feedback',
  'kb_unanswered',
];
/** A run that has not finished after this long is taken for dead (its node crashed). */
const STALE_RUN_MS = 60 * 60 * 1000;

function params(policy: RetentionPolicy, step: TableStep, now: Date): ExpiryParams {
  if (step === 'kb_feedback' || step === 'kb_unanswered') return [now, '{}', policy.categories.kb_feedback];
  const category: DeletableCategory = step;
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
  /** rows deleted (or, in a dry run, that would be) per category; audit_log: audit events removed */
  counts: Record<RetentionCount, number>;
  batches: number;
}

export async function runRetention(
  runner: RetentionRunner,
  policy: RetentionPolicy,
  opts: { dryRun?: boolean; actor?: PrivacyActor } = {},
): Promise<RetentionReport> {
  const actor = opts.actor ?? { type: 'system', id: 'retention' };
  const dryRun = opts.dryRun ?? false;
  const counts = Object.fromEntries(RETENTION_COUNTS.map((c) => [c, 0])) as Record<RetentionCount, number>;
  const report: RetentionReport = {
    runId: null,
    status: 'skipped',
    dryRun,
    policyHash: policy.hash,
    counts,
    batches: 0,
  };
  const now = runner.now();

  const runId = await runner.dataSource.transaction(async (tx) => {
    if (!(await retentionStore.tryLock(tx))) return null;
    await retentionStore.failStaleRuns(tx, now, new Date(now.getTime() - STALE_RUN_MS));
    if ((await retentionStore.deletingRunUnderWay(tx)) && !dryRun) return null;
    const id = randomUUID();
    await retentionStore.insertRun(tx, {
      id,
      now,
      dryRun,
      policyHash: policy.hash,
      actor: `${actor.type}:${actor.id}`,
    });
    await appendAudit(tx, {
      actor,
      action: dryRun ? 'retention.dry_run' : 'retention.start',
      resource: { type: 'RetentionRun', id },
      details: { policyHash: policy.hash },
    });
    if (dryRun) {
      for (const step of RUN_ORDER) {
        counts[step] = await retentionStore.countExpired(tx, step, params(policy, step, now));
      }
      const plan = await planAuditCheckpoint(tx, policy, now);
      counts.audit_log = plan.pending + (plan.target ? plan.target.removes : 0);
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
      for (;;) {
        const rows = await runner.dataSource.transaction(async (tx) => {
          await retentionStore.lock(tx);
          const n = await retentionStore.deleteExpired(tx, category, params(policy, category, now), policy.batchSize);
          if (n > 0) await recordBatch(tx, runId, actor, category, n);
          return n;
        });
        counts[category] += rows;
        if (rows > 0) report.batches += 1;
        if (rows < policy.batchSize) break;
      }
    }
    await runner.dataSource.transaction(async (tx) => {
      await retentionStore.lock(tx);
      const { target } = await planAuditCheckpoint(tx, policy, now);
      if (!target) return;
      await retentionStore.insertAuditCheckpoint(tx, { ...target, now });
      await appendAudit(tx, {
        actor,
        action: 'retention.audit_checkpoint',
        resource: { type: 'RetentionRun', id: runId },
        details: { chainSeq: target.chainSeq, events: target.removes },
      });
    });
    // Removes everything at or below the newest checkpoint, also what an interrupted run left behind.
    for (;;) {
      const rows = await runner.dataSource.transaction(async (tx) => {
        await retentionStore.lock(tx);
        const n = await retentionStore.deleteCheckpointedEvents(tx, policy.batchSize);
        if (n > 0) await recordBatch(tx, runId, actor, 'audit_log', n);
        return n;
      });
      counts.audit_log += rows;
      if (rows > 0) report.batches += 1;
      if (rows < policy.batchSize) break;
    }
  }

  await runner.dataSource.transaction(async (tx) => {
    await retentionStore.finishRun(tx, runId, runner.now(), counts);
    await appendAudit(tx, {
      actor,
      action: 'retention.finish',
      resource: { type: 'RetentionRun', id: runId },
      details: { ...counts, dryRun, batches: report.batches },
    });
  });
  runner.logger?.info('retention.finished', { runId, dryRun, batches: report.batches, ...counts });
  report.status = 'done';
  return report;
}

async function recordBatch(
  tx: EntityManager,
  runId: string,
  actor: PrivacyActor,
  category: RetentionCount,
  n: number,
): Promise<void> {
  await retentionStore.addCount(tx, runId, category, n);
  await appendAudit(tx, {
    actor,
    action: 'retention.delete',
    resource: { type: 'RetentionRun', id: runId },
    details: { category, rows: n },
  });
}

interface AuditPlan {
  /** events at or below the newest checkpoint still to be removed (an interrupted run's rest) */
  pending: number;
  /** the next checkpoint, when more of the chain has expired */
  target: { chainSeq: string; hash: string; removes: number } | null;
}

/**
 * The audit events that may go form a prefix of the sealed chain (verification needs one unbroken
 * run from the checkpoint to the head): it ends just before the first sealed event past the newest
 * checkpoint that has not expired or names a subject under a legal hold, and never goes past the
 * sealed head. Unsealed events have no chain position and are never part of it.
 */
async function planAuditCheckpoint(tx: EntityManager, policy: RetentionPolicy, now: Date): Promise<AuditPlan> {
  const row = await retentionStore.auditCut(tx, now, policy.categories.audit_log);
  if (!row) return { pending: 0, target: null };
  const from = BigInt(row.cp);
  const to = BigInt(row.target);
  if (to <= from) return { pending: row.pending, target: null };
  const hash = await retentionStore.eventHashAt(tx, row.target);
  if (!hash) return { pending: row.pending, target: null };
  return { pending: row.pending, target: { chainSeq: row.target, hash, removes: Number(to - from) } };
}

export function listRetentionRuns(tx: EntityManager, limit = 100): Promise<RetentionRunRow[]> {
  return retentionStore.listRuns(tx, limit);
}
