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
import { changedRows } from '../db/results.ts';
import type { PrivacyActor } from './context.ts';
import { holdCovers } from './legalHolds.ts';
import type { DeletableCategory, RetentionPolicy } from './retentionPolicy.ts';

const RETENTION_LOCK = 727173;
/** What a run reports on: the deletable categories, the two knowledge-base tables (policy: kb_feedback), the audit log. */
export const RETENTION_COUNTS = ['messages', 'attachments', 'vault_mappings', 'conversations', 'consent_records', 'kb_feedback', 'kb_unanswered', 'audit_log'] as const;
export type RetentionCount = (typeof RETENTION_COUNTS)[number];
type TableStep = Exclude<RetentionCount, 'audit_log'>;
/** Attachments before messages (a message waits for its attachments); conversations last, once empty. */
const RUN_ORDER: readonly TableStep[] = ['attachments', 'messages', 'vault_mappings', 'consent_records', 'conversations', 'kb_feedback', 'kb_unanswered'];
/** A run that has not finished after this long is taken for dead (its node crashed). */
const STALE_RUN_MS = 60 * 60 * 1000;

/** Per category: the table, its key, and the rows that have expired ($1 now, $2 class durations, $3 default ms). */
const cutoff = (column: string) => `${column} < $1::timestamptz - make_interval(secs => COALESCE((($2::jsonb) ->> c.retention_class)::bigint, $3::bigint) / 1000.0)`;
const notHeld = `NOT ${holdCovers({ subject: 'c.subject_id', conversation: 'c.id' }, '$1')}`;
// Knowledge-base rows name no subject or conversation, so no legal hold can cover them.
const flatCutoff = (column: string) => `${column} < $1::timestamptz - make_interval(secs => $3::bigint / 1000.0) AND $2::jsonb IS NOT NULL`;
const EXPIRED: Record<TableStep, { table: string; key: string; select: string }> = {
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
  kb_feedback: { table: 'kb_feedback', key: 'id', select: `SELECT f.id FROM kb_feedback f WHERE ${flatCutoff('f.created_at')}` },
  // The sample question is kept from the first time it was asked: counted from then, however often it recurs.
  kb_unanswered: { table: 'kb_unanswered', key: 'id', select: `SELECT u.id FROM kb_unanswered u WHERE ${flatCutoff('u.first_seen')}` },
};

function params(policy: RetentionPolicy, step: TableStep, now: Date): unknown[] {
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

const tryLock = async (tx: EntityManager) => ((await tx.query(`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK}) AS ok`)) as { ok: boolean }[])[0]?.ok === true;

export async function runRetention(runner: RetentionRunner, policy: RetentionPolicy, opts: { dryRun?: boolean; actor?: PrivacyActor } = {}): Promise<RetentionReport> {
  const actor = opts.actor ?? { type: 'system', id: 'retention' };
  const dryRun = opts.dryRun ?? false;
  const counts = Object.fromEntries(RETENTION_COUNTS.map((c) => [c, 0])) as Record<RetentionCount, number>;
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
      for (const step of RUN_ORDER) {
        const [row] = (await tx.query(`SELECT count(*)::int AS n FROM (${EXPIRED[step].select}) x`, params(policy, step, now))) as { n: number }[];
        counts[step] = row?.n ?? 0;
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
      const { table, key, select } = EXPIRED[category];
      for (;;) {
        const rows = await runner.dataSource.transaction(async (tx) => {
          await tx.query(`SELECT pg_advisory_xact_lock(${RETENTION_LOCK})`);
          const n = changedRows(await tx.query(`DELETE FROM ${table} WHERE ${key} IN (${select} LIMIT ${policy.batchSize})`, params(policy, category, now)));
          if (n > 0) await recordBatch(tx, runId, actor, category, n);
          return n;
        });
        counts[category] += rows;
        if (rows > 0) report.batches += 1;
        if (rows < policy.batchSize) break;
      }
    }
    await runner.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${RETENTION_LOCK})`);
      const { target } = await planAuditCheckpoint(tx, policy, now);
      if (!target) return;
      await tx.query(`INSERT INTO audit_checkpoints (chain_seq, hash, created_at, events_removed) VALUES ($1, $2, $3, $4)`, [target.chainSeq, target.hash, now, target.removes]);
      await appendAudit(tx, { actor, action: 'retention.audit_checkpoint', resource: { type: 'RetentionRun', id: runId }, details: { chainSeq: target.chainSeq, events: target.removes } });
    });
    // Removes everything at or below the newest checkpoint, also what an interrupted run left behind.
    for (;;) {
      const rows = await runner.dataSource.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(${RETENTION_LOCK})`);
        await tx.query(`SET LOCAL palisade.audit_retention = 'on'`);
        const n = changedRows(
          await tx.query(
            `DELETE FROM audit_events WHERE seq IN (SELECT seq FROM audit_events WHERE chain_seq <= (SELECT max(chain_seq) FROM audit_checkpoints) ORDER BY chain_seq LIMIT ${policy.batchSize})`,
          ),
        );
        if (n > 0) await recordBatch(tx, runId, actor, 'audit_log', n);
        return n;
      });
      counts.audit_log += rows;
      if (rows > 0) report.batches += 1;
      if (rows < policy.batchSize) break;
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

async function recordBatch(tx: EntityManager, runId: string, actor: PrivacyActor, category: RetentionCount, n: number): Promise<void> {
  await tx.query(`UPDATE retention_runs SET counts = jsonb_set(counts, $2::text[], to_jsonb(COALESCE((counts ->> $3)::int, 0) + $4::int)) WHERE id = $1`, [runId, `{${category}}`, category, n]);
  await appendAudit(tx, { actor, action: 'retention.delete', resource: { type: 'RetentionRun', id: runId }, details: { category, rows: n } });
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
  const [row] = (await tx.query(
    `WITH cp AS (SELECT COALESCE(max(chain_seq), 0) AS seq FROM audit_checkpoints),
          head AS (SELECT seq FROM audit_chain_head WHERE id = 1),
          stop AS (
            SELECT min(e.chain_seq) AS seq FROM audit_events e, cp
             WHERE e.chain_seq > cp.seq
               AND (e.occurred_at >= $1::timestamptz - make_interval(secs => $2::bigint / 1000.0)
                    OR (e.subject_id IS NOT NULL AND ${holdCovers({ subject: 'e.subject_id' }, '$1')}))
          )
     SELECT cp.seq::text AS cp, LEAST(head.seq, COALESCE(stop.seq - 1, head.seq))::text AS target,
            (SELECT count(*)::int FROM audit_events x WHERE x.chain_seq <= cp.seq) AS pending
       FROM cp, head, stop`,
    [now, policy.categories.audit_log],
  )) as { cp: string; target: string; pending: number }[];
  if (!row) return { pending: 0, target: null };
  const from = BigInt(row.cp);
  const to = BigInt(row.target);
  if (to <= from) return { pending: row.pending, target: null };
  const [event] = (await tx.query(`SELECT hash FROM audit_events WHERE chain_seq = $1`, [row.target])) as { hash: string }[];
  if (!event) return { pending: row.pending, target: null };
  return { pending: row.pending, target: { chainSeq: row.target, hash: event.hash, removes: Number(to - from) } };
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
